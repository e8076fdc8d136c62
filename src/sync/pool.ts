/** The engine's name for the one worker pool, which lives in runtime/pool.ts. */
export { mapPool } from '../runtime/pool';
