export { applyCalibration, applyMap, checkCalibration } from './calibration.js';
export type { Calibration, CalibrationMap, IsotonicMap, PlattMap } from './calibration.js';
export { fitCalibration, fitIsotonic, fitPlatt } from './fit.js';
