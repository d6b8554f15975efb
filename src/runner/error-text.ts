/** One line for a file system error: its errno code and call (`ENOSPC (write)`), else its message. */
export function errorText(e: unknown): string {
  if (e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string') {
    const err = e as NodeJS.ErrnoException;
    return `${err.code}${err.syscall ? ` (${err.syscall})` : ''}`;
  }
  return e instanceof Error ? e.message : String(e);
}
