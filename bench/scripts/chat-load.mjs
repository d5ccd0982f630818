// `node bench/scripts/chat-load.mjs [--quick --stores sqlite,postgres --users 400 --rooms 20 --rate 400]`:
// builds the bench, then runs the chat under load (bench/src/chatload/main.ts) against the built chat
// (apps/chat/dist: `npm run build -w @parley/chat` after changing the chat).
import { buildAndRun } from './build-and-run.mjs';

buildAndRun('chatload/main.js');
