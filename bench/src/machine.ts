import { arch, availableParallelism, cpus, release, totalmem, type } from 'node:os';
import type { MachineInfo } from './types.js';

export function describeMachine(pinning: string): MachineInfo {
  return {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: availableParallelism(),
    node: process.version,
    platform: `${type()} ${release()} ${arch()}`,
    memoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    pinning,
  };
}
