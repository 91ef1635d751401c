/** One line on what a start of the local runtime took back from its data directory (dev and demo print it). */
export function resumedLine(resumed: { messages: number; uploads: number }): string {
  if (resumed.messages === 0 && resumed.uploads === 0) return 'nothing was left to resume.';
  // A restart after a crash says that its batches go on, and how much of them.
  return `resumed ${resumed.messages} queued message(s) and ${resumed.uploads} upload(s) whose ingest had not finished.`;
}
