/** Plain-words formats for the start figures, shared by the risks and the rendered plan. */

/** "27%", but never "0%" for a few people or "100%" for all but a few. */
export function percent(fraction: number): string {
  const rounded = Math.round(fraction * 100);
  if (rounded === 0 && fraction > 0) return 'under 1%';
  if (rounded === 100 && fraction < 1) return 'over 99%';
  return `${rounded}%`;
}

/** "45 s", "5 min", "5 min 53 s", "2 h 05 min". */
export function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s} s`;
  if (s < 3600) return s % 60 ? `${Math.floor(s / 60)} min ${String(s % 60).padStart(2, '0')} s` : `${s / 60} min`;
  const minutes = Math.round(s / 60);
  return `${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`;
}
