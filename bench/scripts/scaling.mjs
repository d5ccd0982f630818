// `node bench/scripts/scaling.mjs [--quick --counts 1000,5000,10000,20000 --servers socket.io,parley,ws]`:
// builds the bench, then runs fan-out and idle memory at several client counts (bench/src/scaling/main.ts)
// and writes results/scaling.md, scaling.svg and scaling.json.
import { buildAndRun } from './build-and-run.mjs';

buildAndRun('scaling/main.js');
