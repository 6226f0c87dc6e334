/**
 * Where the lab VNFM may call: a subscription's callbackUri and the token
 * endpoint of its SubscriptionAuthentication are URIs a client chooses, and
 * the VNFM calls them itself (the endpoint test, every notification). Left
 * open, any client of the VNFM could make it send requests into whatever
 * network it sits in. By default it calls loopback only; `lab.callbackAllowList`
 * widens that to named hosts and address ranges.
 *
 * Every connection is checked where it is made: an address literal before
 * the request, a host name in the connection's DNS lookup (so a name that
 * resolves, or re-resolves, elsewhere is refused too), and redirects are not
 * followed (the endpoint test wants a 204, SOL003 §5.4.20.3.2).
 */
import dns from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';
import { Agent, fetch as undiciFetch } from 'undici';
import type { FetchLike } from '../../protocols/sol013/client-auth.js';
import { InvalidArgumentError, VnflabError } from '../../util/errors.js';
import { LOOPBACK_CALLBACK_HOSTS, parseAllowEntry } from './callback-allow-list.js';

export { LOOPBACK_CALLBACK_HOSTS } from './callback-allow-list.js';

/** A callback the policy refuses; its message names the host, never what a remote answered. */
export class CallbackRefused extends VnflabError {
  readonly code = 'LAB_VNFM_CALLBACK_REFUSED';
  constructor(message: string) {
    super(message);
    this.name = 'CallbackRefused';
  }
}

export class CallbackPolicy {
  private readonly ranges = new BlockList();
  private readonly names = new Set<string>();
  private readonly agent: Agent;
  /** fetch restricted to the allowed hosts, not following redirects. */
  readonly fetch: FetchLike;

  constructor(readonly allowList: readonly string[] = LOOPBACK_CALLBACK_HOSTS) {
    for (const text of allowList) {
      const entry = parseAllowEntry(text);
      if (typeof entry === 'string') throw new InvalidArgumentError(`callback allow-list: ${entry}`);
      if (entry.kind === 'name') this.names.add(entry.name);
      else this.ranges.addSubnet(entry.address, entry.prefix, entry.family === 4 ? 'ipv4' : 'ipv6');
    }
    this.agent = new Agent({ connect: { lookup: this.lookup } });
    const agent = this.agent;
    this.fetch = async (url, init) => {
      const refusal = this.refusal(url);
      if (refusal !== null) throw new CallbackRefused(refusal);
      return undiciFetch(url, { ...init, dispatcher: agent, redirect: 'manual' });
    };
  }

  /** Why the VNFM must not call `uri` (scheme, an address outside the list), or null; names are checked on connect. */
  refusal(uri: string): string | null {
    let url: URL;
    try {
      url = new URL(uri);
    } catch {
      return `'${uri}' is not a URI`;
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${url.protocol} URIs are not called`;
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    if (isIP(host) !== 0 && !this.allowsAddress(host))
      return `${host} is not in the lab's callback allow-list (${this.allowList.join(', ')})`;
    return null;
  }

  /** Release the connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  private allowsAddress(address: string): boolean {
    const family = isIP(address);
    if (family === 0) return false;
    // An IPv4-mapped IPv6 address is checked as the IPv4 address it stands for.
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address)?.[1];
    if (mapped !== undefined) return this.ranges.check(mapped, 'ipv4');
    return this.ranges.check(address, family === 4 ? 'ipv4' : 'ipv6');
  }

  /** net.connect's lookup: a name on the list resolves as usual; any other resolves to allowed addresses only. */
  private readonly lookup: LookupFunction = (hostname, options, callback) => {
    const trusted = this.names.has(hostname.toLowerCase());
    dns.lookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '', 0);
      const usable = trusted ? addresses : addresses.filter((a) => this.allowsAddress(a.address));
      const first = usable[0];
      if (first === undefined) {
        const seen = addresses.map((a) => a.address).join(', ') || 'nothing';
        const refused = new CallbackRefused(
          `${hostname} resolves to ${seen}, outside the lab's callback allow-list (${this.allowList.join(', ')})`,
        );
        return callback(refused, '', 0);
      }
      if (options.all === true)
        (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, usable);
      else callback(null, first.address, first.family);
    });
  };
}
