/**
 * Where this version's package is published: the `$id` of the schemas it
 * ships in docs/ (npm's public CDN serves every file of a published package
 * at this address).
 */
import { VNFLAB_VERSION } from './version.js';

export type PublishedSchema = 'config.schema.json' | 'result.schema.json';

export function publishedSchemaId(file: PublishedSchema): string {
  return `https://unpkg.com/vnflab@${VNFLAB_VERSION}/docs/${file}`;
}
