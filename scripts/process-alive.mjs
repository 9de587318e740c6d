// Process liveness, shared by the supervisor (`pnpm start`) and the docker
// host helpers. Plain Node, no dependencies.

/** Whether process `pid` exists (EPERM: it does, as another user, e.g. postgres). */
export function processAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return error.code === "EPERM";
  }
}
