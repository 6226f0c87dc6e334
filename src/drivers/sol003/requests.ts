/** SOL003 request bodies built from the Vnfm port's arguments (SOL003 §5.5.2). */
import type { InstantiateRequest } from '../../ports/vnfm.js';
import type {
  InstantiateVnfRequest,
  OperateVnfRequest,
  TerminateVnfRequest,
} from '../../protocols/sol003/sol003-types.js';

/**
 * InstantiateVnfRequest. SOL003 has no attribute for the software image: the
 * spec's SwImageID travels in additionalParams.swImageId (the lab VNFM checks
 * it against the VNFD; other VNFMs take the image from the VNFD and ignore it).
 */
export function buildInstantiateRequest(req: InstantiateRequest): InstantiateVnfRequest {
  return {
    flavourId: req.flavourId,
    ...(req.instantiationLevelId !== undefined ? { instantiationLevelId: req.instantiationLevelId } : {}),
    additionalParams: { ...req.additionalParams, swImageId: req.swImageId },
  };
}

/** OperateVnfRequest; a stop is FORCEFUL (the plan's Stop has no graceful variant). */
export function buildOperateRequest(changeStateTo: 'STARTED' | 'STOPPED'): OperateVnfRequest {
  return changeStateTo === 'STARTED' ? { changeStateTo } : { changeStateTo, stopType: 'FORCEFUL' };
}

/** TerminateVnfRequest: GRACEFUL with its timeout when one is given, else FORCEFUL. */
export function buildTerminateRequest(gracefulTimeoutS?: number): TerminateVnfRequest {
  return gracefulTimeoutS === undefined
    ? { terminationType: 'FORCEFUL' }
    : { terminationType: 'GRACEFUL', gracefulTerminationTimeout: Math.round(gracefulTimeoutS) };
}
