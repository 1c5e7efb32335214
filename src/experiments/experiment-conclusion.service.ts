import type { Principal } from '../auth/principal';
import { badInput } from '../errors';
import { checkTransition } from './experiment-definition';
import type { ExperimentEntity } from './experiment.entity';
import type { ExperimentService } from './experiment.service';
import type { ExperimentResultsService } from './results.service';

/** What the people concluding say. */
export interface ConclusionInput {
  /** The variant to roll out; defaults to the one the decision ships, if any. */
  variantKey: string | null;
  notes: string | null;
}

/** Concluding a STOPPED experiment: records the decision, the choice and the KPI impact. */
export class ExperimentConclusionService {
  constructor(
    private readonly experiments: ExperimentService,
    private readonly results: ExperimentResultsService,
  ) {}

  async conclude(
    id: number,
    input: ConclusionInput,
    principal: Principal | null,
    now = new Date(),
  ): Promise<ExperimentEntity> {
    const experiment = await this.experiments.get(id);
    checkTransition(experiment.status, 'CONCLUDED');
    if ((input.notes?.length ?? 0) > 2000) {
      throw badInput('must be at most 2000 characters', 'input.notes');
    }
    if (input.variantKey !== null) {
      const variants = await this.experiments.variantsOf([id]);
      if (!variants.some((variant) => variant.key === input.variantKey)) {
        throw badInput(`no variant "${input.variantKey}" in this experiment`, 'input.variantKey');
      }
    }
    const estimate = await this.results.conclusionEstimate(experiment, input.variantKey);

    return this.experiments.transition(id, 'CONCLUDED', now, {
      decision: estimate.decision,
      reasons: estimate.reasons,
      variantKey: input.variantKey ?? estimate.kpiImpact?.variantKey ?? estimate.variantKey,
      notes: input.notes,
      concludedByKeyId: principal?.keyId ?? null,
      kpiImpact: estimate.kpiImpact,
    });
  }
}
