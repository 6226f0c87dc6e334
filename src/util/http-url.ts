/**
 * A URL field the drivers fetch from: http or https only, with an example of
 * the right shape in the message (fetch refuses ftp:// or a bare host:port
 * only once the run has started, as a bare "fetch failed").
 */
import { z } from 'zod';

export function httpUrl(example: string): z.ZodURL {
  return z.url({
    protocol: /^https?$/,
    error: (issue) =>
      issue.input === undefined
        ? `required: give an http:// or https:// URL, e.g. ${example}`
        : `${JSON.stringify(issue.input)} is not an http:// or https:// URL: give one like ${example}`,
  });
}
