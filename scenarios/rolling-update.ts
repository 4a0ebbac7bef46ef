// k6 entry for the rolling-update scenario: `k6 run -e BASE_URL=http://127.0.0.1:8080 scenarios/rolling-update.ts`
// (PROFILE=quick|full, MODEL=closed|open, TIME_SCALE=n; see scenarios/k6/common.ts).
import { k6Scenario } from './k6/common.ts';

const scenario = k6Scenario('rolling-update');

export const options = scenario.options;

export default function (): void {
  scenario.iteration();
}
