// jsroot ships no types for its io and tree modules; root.ts describes the few members it uses.
declare module 'jsroot/io';
declare module 'jsroot/tree';
