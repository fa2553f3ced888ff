/** A problem with the request, written for the community member who filled in the form. */
export interface Problem {
  /** Our field id (see templates/issue-form/workshop.yml), or `request` for cross-field problems. */
  field: string;
  message: string;
}

/** Daily active hours, local wall-clock times in the request's time zone. */
export interface DailyHours {
  /** `HH:mm`, 24-hour. An end at or before the start is on the next day ("22:00"–"02:00"). */
  start: string;
  end: string;
}

/** A validated workshop request: what the community asked for, with the hub's defaults filled in. */
export interface WorkshopRequest {
  title: string;
  /** Config key of the hub. */
  hub: string;
  community: string | null;
  contact: string | null;
  /** IANA zone, e.g. America/Chicago. */
  timeZone: string;
  /** ISO 8601 with offset: first day's start, last day's end. */
  start: string;
  end: string;
  dailyHours: DailyHours;
  /** ISO weekdays (1 = Monday … 7 = Sunday) the workshop runs on ("Tuesdays and Thursdays"); null = every day. */
  weekdays: number[] | null;
  /** Peak simultaneous attendees. */
  attendees: number;
  /** Per-user guarantees and limits (from the form or the hub's defaults). */
  cpuGuarantee: number;
  cpuLimit: number;
  memoryGuaranteeBytes: number;
  memoryLimitBytes: number;
  gpu: boolean;
  image: string | null;
  imageSizeGB: number;
  /** Data each user reads during the workshop, GB (null = unknown / none). */
  dataPerUserGB: number | null;
  dataSource: string | null;
  dask: boolean;
  workload: string | null;
  /** Plain sentences naming the defaults and assumptions used to fill gaps. */
  assumptions: string[];
}
