// `node bench/scripts/routing.mjs [--quick]`: builds the bench, then measures what a request
// costs on a node that does not own its session (bench/src/routing/main.ts). Needs Redis.
import { buildAndRun } from './build-and-run.mjs';

buildAndRun('routing/main.js');
