/** The soak's printed report: settings, RSS over time, slopes against the threshold, traffic. */
import type { SoakReport } from './run.js';
import { formatSlope, type MemorySample, renderSamples } from './stats.js';

const count = (n: number) => Math.round(n).toLocaleString('en-US');

function memory(sample: MemorySample): string {
  return `RSS ${sample.rssMiB.toFixed(1)} MiB, heap ${sample.heapMiB.toFixed(1)} MiB of ${sample.heapTotalMiB.toFixed(1)}`;
}

export function renderSoakReport(report: SoakReport): string {
  const { options, slopes, clients, baseline, afterClose, samples } = report;
  const last = samples.at(-1);
  const verdict = report.passed ? 'OK' : 'FAILED';
  return [
    `Soak: ${options.server}, ${count(options.connections)} clients (${Math.round(options.pollingFraction * 100)}% long-polling), ` +
      `${options.durationMs / 1000} s, churn ${(options.churnPerSecond * 100).toFixed(1)}% of clients per second, ` +
      `a room broadcast every ${options.broadcastMs} ms (${options.rooms} rooms), ${options.echoPerSecond} acknowledged echoes/s`,
    `Clients connected in ${(report.connectMs / 1000).toFixed(1)} s. Server memory after a full GC, by time since the load started:`,
    '',
    renderSamples(samples),
    '',
    `Before clients: ${memory(baseline)}. ` +
      `After the clients left (${count(afterClose.serverConnected)} sockets still open${afterClose.serverConnected > 0 ? ', dropped polling sessions await their heartbeat timeout' : ''}): ${memory(afterClose)}.`,
    `Slope over the second half (${slopes.samples} samples): RSS ${formatSlope(slopes.rssMiBPerMinute)}, ` +
      `heap ${formatSlope(slopes.heapMiBPerMinute)}; threshold ${formatSlope(options.maxSlopeMiBPerMinute)}: ${verdict}`,
    `Churn: the server accepted ${count(last?.serverOpened ?? 0)} connections for ${count(options.connections)} client slots; ` +
      `${count(clients.churned)} clients replaced, ${count(clients.connectFailures)} failed reconnects` +
      (clients.lastConnectError ? ` (last: ${clients.lastConnectError})` : '') +
      `; dropped by the server: ${count(clients.droppedByServer.websocket)} WebSocket, ` +
      `${count(clients.droppedByServer.polling)} polling` +
      (clients.lastPollingDrop ? ` (last: ${clients.lastPollingDrop})` : '') +
      '.',
    `Traffic: ${count(clients.broadcastsSent)} room broadcasts, ${count(clients.deliveries)} deliveries; ` +
      `${count(clients.echoesSent)} echoes, ${count(clients.acks)} acked, ${count(clients.acksLostToChurn)} lost to churn.`,
  ].join('\n');
}
