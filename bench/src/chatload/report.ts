/** The chat load's markdown report: throughput and latency per store, and where the chat's CPU went. */
import { formatFigure } from '../metrics.js';
import { LAYER_NOTES, LAYERS } from './profile.js';
import type { ChatLoadRecord, ChatLoadResult } from './run.js';

const percent = (share: number) => `${Math.round(share * 100)}%`;
const cpu = (value: number | null | undefined) => (value === null || value === undefined ? '?' : percent(value));

export function renderChatLoadMarkdown(result: ChatLoadResult): string {
  const { options, machine } = result;
  const ok = result.records.filter(
    (record): record is ChatLoadRecord & { result: NonNullable<ChatLoadRecord['result']> } =>
      Boolean(record.result && !record.error),
  );
  const lines = [
    '# Chat under load',
    '',
    `Run of ${result.startedAt.slice(0, 16).replace('T', ' ')} UTC, ${options.scale} scale: the real chat ` +
      `(\`apps/chat\`, one process) with ${options.users} signed-in users (official socket.io-client, one ` +
      `WebSocket each) spread evenly over ${options.rooms} rooms, sending ${options.ratePerSec} messages/s in ` +
      `total (${Number((options.ratePerSec / options.users).toFixed(2))} per user, within the chat's send budget), ` +
      `${options.warmupMs / 1000} s warm-up then ${options.durationMs / 1000} s measured.`,
    '',
    `Machine: ${machine.cpuModel}, ${machine.cores} cores, Node ${machine.node}; ${result.notes.join('; ')}` +
      `${options.profile ? '; the chat runs with `--cpu-prof` (sampling costs it a few % of CPU)' : ''}` +
      `${options.chatEntry ? `; chat build ${options.chatEntry}` : ''}.`,
    '',
    'Stored: `message:send` acknowledged `{ ok: true }`, which the chat answers only after the message is ' +
      'committed (send -> ack latency). Delivered: the `message` event received by each other member of the room ' +
      '(send -> receive latency).',
    '',
    '| store | stored/s | delivered/s | send -> stored p50 / p99 (ms) | send -> delivered p50 / p99 (ms) | chat CPU | load CPU | refused | undelivered |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const record of ok) {
    const r = record.result;
    const refused = Object.entries(r.refused)
      .map(([code, count]) => `${count} ${code}`)
      .join(', ');
    lines.push(
      `| ${record.store} | ${formatFigure(r.storedPerSec)} | ${formatFigure(r.deliveredPerSec)} | ` +
        `${formatFigure(r.ackP50Ms)} / ${formatFigure(r.ackP99Ms)} | ${formatFigure(r.deliveryP50Ms)} / ` +
        `${formatFigure(r.deliveryP99Ms)} | ${cpu(r.serverCpu)} | ${cpu(r.loadCpu)} | ${refused || '0'} | ` +
        `${r.undelivered + r.unanswered} |`,
    );
  }
  for (const record of ok.filter((entry) => entry.chatError)) {
    lines.push('', `The chat logged on ${record.store}: \`${record.chatError}\``);
  }
  const profiled = ok.filter((record) => record.breakdown);
  if (profiled.length > 0) {
    lines.push(
      '',
      '## Where the chat process spends its CPU',
      '',
      "Share of the time the chat's event loop was not idle during the measured window (running code, or blocked " +
        "in a synchronous call such as SQLite's fsync, which the profiler samples as the frame that made it), each " +
        'sample charged to the innermost stack frame of a known layer; Node internals and builtins count for the ' +
        'layer that called them. Chat CPU above is on-CPU time only, so a loop blocked on fsync shows as busy here ' +
        'but not there.',
      '',
      `| layer | ${profiled.map((record) => record.store).join(' | ')} | what it covers |`,
      `|---|${profiled.map(() => '---:').join('|')}|---|`,
    );
    for (const layer of LAYERS) {
      const cells = profiled.map((record) => percent(record.breakdown?.busyShare[layer] ?? 0));
      lines.push(`| ${layer} | ${cells.join(' | ')} | ${LAYER_NOTES[layer]} |`);
    }
    const busy = profiled.map((record) => {
      const b = record.breakdown;
      if (!b) return '?';
      const total = Object.values(b.ms).reduce((sum, ms) => sum + ms, 0);
      return total === 0 ? '?' : percent(1 - b.ms.idle / total);
    });
    lines.push(
      `| (busy share of the window) | ${busy.join(' | ')} | the rest of the window the chat's event loop waited for I/O |`,
    );
    if (profiled.some((record) => !record.breakdown?.windowed)) {
      lines.push('', 'The profile clock did not match the window for some run: the whole profile was used there.');
    }
  }
  lines.push(
    '',
    'Setup (sign-up through `POST /api/signup` with its scrypt hashing, connect, create and join rooms): ' +
      result.records.map((record) => `${record.store} ${Number(record.setupSeconds.toPrecision(3))} s`).join(', ') +
      '.',
  );
  if (result.skipped.length > 0) {
    lines.push('', 'Skipped:', '', ...result.skipped.map(({ store, reason }) => `- ${store}: ${reason}`));
  }
  const failed = result.records.filter((record) => record.error);
  if (failed.length > 0) {
    lines.push('', 'Failed runs:', '', ...failed.map((record) => `- ${record.store}: ${record.error?.split('\n')[0]}`));
  }
  return `${lines.join('\n')}\n`;
}
