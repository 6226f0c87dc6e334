/**
 * The compute API's version documents (nova/api/openstack/compute/versions*.py):
 * `GET /` lists the versions, `GET /v2.1/` describes the one the lab serves.
 * Both are unauthenticated, as in Nova.
 */
import { formatMicroversion } from '../../../protocols/nova/microversion.js';
import { MAX_VERSION, MIN_VERSION } from './microversion.js';

const UPDATED = '2013-07-23T11:33:21Z';

function entry(): Record<string, unknown> {
  return {
    id: 'v2.1',
    status: 'CURRENT',
    version: formatMicroversion(MAX_VERSION),
    min_version: formatMicroversion(MIN_VERSION),
    updated: UPDATED,
  };
}

/** GET / */
export function versionsList(rootUrl: string): Record<string, unknown> {
  return { versions: [{ ...entry(), links: [{ href: `${rootUrl}/v2.1/`, rel: 'self' }] }] };
}

/** GET /v2.1/ */
export function versionDetail(rootUrl: string): Record<string, unknown> {
  return {
    version: {
      ...entry(),
      links: [
        { href: `${rootUrl}/v2.1/`, rel: 'self' },
        { href: 'http://docs.openstack.org/', rel: 'describedby', type: 'text/html' },
      ],
      'media-types': [
        { base: 'application/json', type: 'application/vnd.openstack.compute+json;version=2.1' },
      ],
    },
  };
}
