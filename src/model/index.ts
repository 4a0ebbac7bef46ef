export * from './errors.ts';
export * from './run.ts';
export * from './timeline.ts';
export * from './clock.ts';
export * from './capabilities.ts';
export * from './generator-health.ts';
export * from './capacity.ts';
export * from './plan.ts';
