/** What /api/health reports of the read processes (READ_PROCESSES > 0): kept up to date by read-processes.ts. */
export interface ReadProcessState {
  configured: number;
  serving: number; // started and taking connections
  restarts: number; // started again after one died, since the start
}

export const initialReadProcessState = (configured: number): ReadProcessState => ({ configured, serving: 0, restarts: 0 });
