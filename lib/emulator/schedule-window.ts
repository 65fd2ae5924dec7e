// PIM's `…ScheduleInstances` endpoints list what is in effect now: an eligibility or assignment whose window
// has not started is a schedule only (listed by `…Schedules`), and one whose window has ended is gone
// (learn.microsoft.com/rest/api/authorization/role-eligibility-schedule-instances, "Gets role eligibility
// schedule instances"; graph/api/resources/privilegedidentitymanagementv3-overview: instances are "the
// current state"). The tenant file may hold any window, so the emulator serves an instance only while it
// is open — otherwise a scan would report access the tenant no longer (or does not yet) give.

/** Is `[startDateTime, endDateTime)` open at `now`? A missing or unparsable bound is open-ended. */
export function scheduleWindowOpen(
  window: { startDateTime?: string | null; endDateTime?: string | null },
  now: number = Date.now(),
): boolean {
  const start = window.startDateTime ? Date.parse(window.startDateTime) : Number.NaN;
  const end = window.endDateTime ? Date.parse(window.endDateTime) : Number.NaN;
  if (!Number.isNaN(start) && start > now) return false;
  if (!Number.isNaN(end) && end <= now) return false;
  return true;
}
