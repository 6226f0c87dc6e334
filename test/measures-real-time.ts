/**
 * The only tests that may retry: those that measure real time against a
 * bound (packet loss of a live migration against the lab's true downtime,
 * a timed outage's measured length), on two shared cores where a scheduling
 * hiccup of the machine, not of the code, can push one measurement past its
 * bound. Each retry is a whole new measurement held to the same bound, a real
 * regression fails every attempt, and every retry is reported
 * (scripts/retry-reporter.mjs, the CI summary). Such a test says so in its
 * name: "[measures real time]".
 */
export const MEASURES_REAL_TIME = { retry: 2 } as const;
