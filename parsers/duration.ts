// Durations are written by formatters/duration.ts; parsers fill their `duration` fields with it. Parsers may import
// formatters, never the other way round (no cycle between the two folders).
export { formatDuration } from '../formatters/duration.js';
