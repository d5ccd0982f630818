// `node bench/scripts/soak.mjs [--connections 10000 --seconds 120 …]`: builds the bench, then
// runs one soak (bench/src/soak/main.ts). On demand only; never part of CI.
import { buildAndRun } from './build-and-run.mjs';

buildAndRun('soak/main.js');
