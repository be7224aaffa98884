// All step definitions, registered in the order Vega's harness registers them where regexes overlap.
import { Registry } from '../registry.ts';
import { registerSetupSteps } from './setup.ts';
import { registerOrderSteps } from './orders.ts';
import { registerCheckSteps } from './checks.ts';
import { registerMiscSteps } from './misc.ts';
import { registerOracleSteps } from './oracles.ts';
import { registerAmmSteps } from './amm.ts';
import { registerSpotSteps } from './spot.ts';
import { registerBatchSteps } from './batch.ts';
import { registerProgrammeSteps } from './programmes.ts';
import { registerTransferSteps } from './programmes-transfers.ts';
import { registerValidatorSteps } from './validators.ts';
import { registerPapSteps } from './pap.ts';

export function buildRegistry(): Registry {
  const r = new Registry();
  registerSetupSteps(r);
  registerMiscSteps(r);
  registerOrderSteps(r);
  registerCheckSteps(r);
  registerOracleSteps(r);
  registerAmmSteps(r);
  registerSpotSteps(r);
  registerBatchSteps(r);
  registerProgrammeSteps(r);
  registerTransferSteps(r);
  registerValidatorSteps(r);
  registerPapSteps(r);
  return r;
}
