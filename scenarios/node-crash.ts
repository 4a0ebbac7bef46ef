// k6 entry for the node-crash scenario: `k6 run -e BASE_URL=http://127.0.0.1:8080 scenarios/node-crash.ts`
// (PROFILE=quick|full, MODEL=closed|open, TIME_SCALE=n; see scenarios/k6/common.ts).
import { k6Scenario } from './k6/common.ts';

const scenario = k6Scenario('node-crash');

export const options = scenario.options;

export default function (): void {
  scenario.iteration();
}
