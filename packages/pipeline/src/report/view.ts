import { type RunContext } from '../context.js';

/**
 * What a step's `report` may read of the finished run: the config, datasets, fitted models and their (cached)
 * scores. Nothing in it writes.
 */
export type RunView = Pick<RunContext, 'config' | 'dataset' | 'hasDataset' | 'sameDataset' | 'datasetNames' | 'fittedModel' | 'scores' | 'standardizer' | 'models'>;
