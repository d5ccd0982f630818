/** The recovery-cost table: Redis commands and request bytes per operation, by configuration. */
import type { CostResult, CostRun, Phase } from './main.js';

const OPERATION: Readonly<Record<Phase, string>> = {
  connect: 'per connection',
  join: 'per room join',
  leave: 'per room leave',
  broadcast: 'per broadcast (`io.emit`)',
  drop: 'per dropped connection (recoverable)',
  heartbeat: 'per heartbeat (each node, each namespace)',
};

function perOperation(result: CostResult, phase: Phase) {
  const { operations, tally } = result.phases[phase];
  const names = Object.entries(tally.byName)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([name, count]) => `${name} ${Number((count / operations).toPrecision(3))}`)
    .join(', ');
  return {
    commands: tally.commands / operations,
    bytes: tally.bytes / operations,
    names: names || '—',
  };
}

const figure = (value: number) => String(Number(value.toPrecision(3)));

const cell = (result: CostResult | undefined, phase: Phase) => {
  if (!result) return 'n/a';
  const { commands, bytes } = perOperation(result, phase);
  return `${figure(commands)} / ${figure(bytes)} B`;
};

export function renderCostMarkdown(run: CostRun): string {
  const of = (config: CostResult['config']) => run.results.find((result) => result.config === config);
  const [off, state, crash] = [of('off'), of('state'), of('crash')];
  const lines = [
    '# What recovery costs in Redis',
    '',
    `Run of ${run.startedAt.slice(0, 16).replace('T', ' ')} UTC against ${run.redisUrl}: one Parley server with ` +
      `@parley/redis-adapter, ${run.clients} socket.io-client clients (WebSocket) connecting one at a time, each ` +
      `joining then leaving a room, ${run.broadcasts} broadcasts, every connection dropped (a recoverable ` +
      '`transport close`); heartbeats counted apart (a second server, a heartbeat every ' +
      `${run.heartbeatIntervalMs} ms). Figures: commands / request bytes (RESP) that the server's Redis connection ` +
      "sent per operation, from Redis's MONITOR feed. One operation at a time, so nothing is coalesced: the " +
      'adapter batches the session writes of one event-loop turn, so bursts cost less.',
    '',
    '| operation | no recovery | connectionStateRecovery | + crashRecovery | crashRecovery adds | commands with crashRecovery |',
    '|---|---:|---:|---:|---:|---|',
  ];
  for (const phase of Object.keys(OPERATION) as Phase[]) {
    let added = 'n/a';
    if (state && crash) {
      const [a, b] = [perOperation(state, phase), perOperation(crash, phase)];
      added = `${figure(b.commands - a.commands)} / ${figure(b.bytes - a.bytes)} B`;
    }
    const names = crash ? perOperation(crash, phase).names : 'n/a';
    lines.push(
      `| ${OPERATION[phase]} | ${cell(off, phase)} | ${cell(state, phase)} | ${cell(crash, phase)} | ${added} | ${names} |`,
    );
  }
  if (crash?.liveHashBytesPerClient != null) {
    lines.push(
      '',
      'Redis memory crash recovery holds per connected client (MEMORY USAGE of the live-session hash ÷ ' +
        `clients, after connecting): ${figure(crash.liveHashBytesPerClient)} bytes.`,
    );
  }
  return `${lines.join('\n')}\n`;
}
