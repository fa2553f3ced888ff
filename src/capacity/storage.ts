import type { HomeStorage } from '../config/schema.js';

/**
 * Aggregate read throughput of shared home storage, MiB/s, by type (named defaults; config's
 * `throughputMiBps` beats them): Filestore basic HDD ~100, basic SSD ~350 (small instances), EBS gp3
 * baseline 125 (behind an NFS server), Azure Files standard ~60, EFS elastic ~500 for reads. EFS
 * bursting gives 50 KiB/s per GiB stored as its baseline; bursts above it last only while credits do.
 */
export const STORAGE_MIBPS: Record<Exclude<HomeStorage['type'], 'efs-bursting' | 'other'>, number> = {
  'filestore-basic-hdd': 100,
  'filestore-basic-ssd': 350,
  'efs-elastic': 500,
  'ebs-nfs': 125,
  'azure-files': 60,
};

export function aggregateThroughput(storage: HomeStorage): { mibps: number | null; basis: string } {
  if (storage.throughputMiBps) return { mibps: storage.throughputMiBps, basis: `${storage.throughputMiBps} MiB/s from config` };
  if (storage.type === 'efs-bursting') {
    if (!storage.sizeGiB) return { mibps: null, basis: 'EFS bursting throughput depends on the data stored; set homeStorage.sizeGiB' };
    const mibps = Math.max(1, (storage.sizeGiB * 50) / 1024);
    return { mibps, basis: `EFS bursting baseline: ${storage.sizeGiB} GiB stored × 50 KiB/s = ${mibps.toFixed(1)} MiB/s` };
  }
  if (storage.type === 'other') return { mibps: null, basis: 'storage type "other" without throughputMiBps: not estimated' };
  return { mibps: STORAGE_MIBPS[storage.type], basis: `${storage.type} ≈ ${STORAGE_MIBPS[storage.type]} MiB/s (default)` };
}
