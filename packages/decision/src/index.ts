// @discern/decision: turning scores and posteriors into decisions — the likelihood-ratio test, Neyman–Pearson
// thresholds (empirical, with intervals, and analytic for Gaussian classes, with the worked example's tests and
// their check on a simulated sample), minimum Bayes risk for K classes, decision rules as serialisable data, and
// decisions judged on a labelled sample (rates with intervals, expected risk). Class 0 = C1 (null, background),
// class 1 = C2 (signal).
export { logLikelihoodRatio, lrtDecide, lrtDecideDensities } from './lrt.js';
export { neymanPearsonThreshold } from './neyman-pearson.js';
export type { NeymanPearsonOptions, NeymanPearsonThreshold } from './neyman-pearson.js';
export {
  gaussianErrorsAtLogGamma,
  gaussianErrorsAtThreshold,
  gaussianLogLikelihoodRatio,
  gaussianNeymanPearson,
  ldaErrorsAt,
  ldaNeymanPearson,
} from './gaussian.js';
export type { CutErrors, Gaussian1D, GaussianCut, GaussianTestResult, LdaTestResult, SharedCovarianceGaussians } from './gaussian.js';
export { checkGaussianTest, gaussianRocCurve, gaussianTestStatistic, gaussianTests, inRegion } from './gaussian-tests.js';
export type {
  AnalyticGaussianTest,
  CheckedRate,
  GaussianPair,
  GaussianTestRequest,
  GaussianTestSet,
  Region,
  SimulatedTestCheck,
  StatisticSample,
} from './gaussian-tests.js';
export {
  REJECT,
  bayesLlrThreshold,
  bayesPosteriorThreshold,
  conditionalRisks,
  mapDecide,
  minRiskDecide,
  mlDecide,
  reweightPosteriors,
  zeroOneCost,
} from './bayes-risk.js';
export type { MinRiskOptions } from './bayes-risk.js';
export { expectedRisk } from './risk.js';
export type { ExpectedRiskOptions, RiskEstimate } from './risk.js';
export { judgeDecisions } from './judge.js';
export type { ClassRates, DecisionJudgement, JudgeDecisionsOptions, JudgedRisk } from './judge.js';
export type { ValueInterval } from './efficiency.js';
export { applyRule, bayesThresholdRule, neymanPearsonRule, parseRule, ruleToJSON, validateRule } from './rules.js';
export type { BayesRiskRule, DecisionRule, MapRule, MlRule, NeymanPearsonRule, RuleInputs, ThresholdOn, ThresholdRule } from './rules.js';
