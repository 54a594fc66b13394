// What the data part of the config schema needs of the libraries (one import site for schema.ts).
export { DATA_FORMATS, parseExpression } from '@discern/data';
export { isDiscernError } from '@discern/core';
