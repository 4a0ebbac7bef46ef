// The k6 side of bench:self's generator comparison (scripts/bench-generators.ts): VUS virtual
// users, no think time, GET URL for DURATION. Plain JavaScript, so every k6 version runs it.
import http from 'k6/http';

export const options = {
  discardResponseBodies: true,
  scenarios: {
    bench: { executor: 'constant-vus', vus: Number(__ENV.VUS), duration: __ENV.DURATION, gracefulStop: '5s' },
  },
};

export default function () {
  http.get(__ENV.URL, { timeout: '10s' });
}
