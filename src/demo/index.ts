export type { DemoOptions, DemoResult } from './run-demo.js';
export { runDemo } from './run-demo.js';
