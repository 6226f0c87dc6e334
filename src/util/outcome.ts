/** Expected outcomes are values, not exceptions (see STYLE.md). */
export type Outcome<T = void> = { ok: true; value: T } | { ok: false; reason: string };

export const ok = <T>(value: T): Outcome<T> => ({ ok: true, value });
export const fail = <T = never>(reason: string): Outcome<T> => ({ ok: false, reason });

/** A host:port pair on the data plane or a control plane. */
export interface Endpoint {
  readonly host: string;
  readonly port: number;
}

export const formatEndpoint = (e: Endpoint): string => `${e.host}:${e.port}`;
