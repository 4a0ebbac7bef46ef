export * from './errors.ts';
export * from './run.ts';
export * from './timeline.ts';
