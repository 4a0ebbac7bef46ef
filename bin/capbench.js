#!/usr/bin/env node
// capbench CLI: runs the TypeScript sources through tsx (a dependency), no build step.
import { register } from 'tsx/esm/api';

register();
const { runMain } = await import('../src/cli/main.ts');
await runMain();
