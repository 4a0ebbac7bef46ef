// k6 entry for the capacity scenario: `k6 run -e BASE_URL=http://127.0.0.1:8080 scenarios/capacity.ts`
// (PROFILE=quick|full, TIME_SCALE=n, FROM_STEP=k; open model only; see scenarios/k6/common.ts).
import { k6Scenario } from './k6/common.ts';

const scenario = k6Scenario('capacity');

export const options = scenario.options;

export default function (): void {
  scenario.iteration();
}
