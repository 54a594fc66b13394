import { describe, expect, it } from 'vitest';
import { type RootBranch, type RootLeaf, branchInfo, unsupported } from './root.js';

// What a branch holds, from its leaves as jsroot reads them: the kinds discern reads (numbers, strings, fixed and
// variable arrays, std::vectors of numbers) and the ones it refuses, saying which branch and why. The two ROOT files
// of ../shared/data hold only readable branches, so the refused kinds are made here as jsroot describes them.
const leaf = (type: string, title: string, extra: Partial<RootLeaf> = {}): RootLeaf => ({ _typename: type, fName: title.replace(/\[.*$/, ''), fTitle: title, fLen: 1, ...extra });
const branch = (name: string, leaves: RootLeaf[], extra: Partial<RootBranch> = {}): RootBranch => ({
  _typename: 'TBranch',
  fName: name,
  fTitle: name,
  fLeaves: { arr: leaves },
  fBranches: { arr: [] },
  ...extra,
});

describe('ROOT branches', () => {
  it('numbers of every leaf type, strings, fixed and variable arrays, vectors of numbers', () => {
    const count = leaf('TLeafI', 'NMuon');
    expect(branchInfo(branch('Q1', [leaf('TLeafI', 'Q1')]))).toEqual({ name: 'Q1', type: 'Int_t', kind: 'numeric' });
    expect(branchInfo(branch('u', [leaf('TLeafL', 'u', { fIsUnsigned: true })]))).toEqual({ name: 'u', type: 'ULong64_t', kind: 'numeric' });
    for (const t of ['TLeafO', 'TLeafB', 'TLeafS', 'TLeafF', 'TLeafD', 'TLeafF16', 'TLeafD32']) expect(branchInfo(branch('x', [leaf(t, 'x')])).kind).toBe('numeric');
    expect(branchInfo(branch('Type', [leaf('TLeafC', 'Type')]))).toEqual({ name: 'Type', type: 'string', kind: 'text' });
    expect(branchInfo(branch('Muon_Px', [leaf('TLeafF', 'Muon_Px[NMuon]', { fLeafCount: count })]))).toEqual({ name: 'Muon_Px', type: 'Float_t[NMuon]', kind: 'array' });
    expect(branchInfo(branch('p3', [leaf('TLeafD', 'p3[3]', { fLen: 3 })]))).toEqual({ name: 'p3', type: 'Double_t[3]', kind: 'array' });
    expect(branchInfo(branch('jets_pt', [], { _typename: 'TBranchElement', fClassName: 'vector<float>' }))).toEqual({ name: 'jets_pt', type: 'vector<float>', kind: 'array' });
  });

  it('a class object, a split object, several leaves and an unknown leaf type are refused, saying which branch and why', () => {
    const obj = branchInfo(branch('lv', [], { _typename: 'TBranchElement', fClassName: 'TLorentzVector' }));
    expect(obj.kind).toBe('unsupported');
    const e = unsupported('f.root', 'events', obj);
    expect(e.code).toBe('DATA_INVALID');
    expect(e.message).toBe(
      "branch 'lv' of tree 'events' in f.root cannot be read: it holds objects of class TLorentzVector, not numbers; discern reads branches of numbers, of arrays or std::vectors of numbers, and of strings (type \"TLorentzVector\")",
    );
    const split = branchInfo(branch('event', [], { _typename: 'TBranchElement', fClassName: 'Event', fBranches: { arr: [branch('event.fPx', [leaf('TLeafF', 'fPx')])] } }));
    expect(split.why).toBe('it is an object of class Event split into sub-branches; name a sub-branch of one number per entry instead');
    const many = branchInfo(branch('xy', [leaf('TLeafF', 'x'), leaf('TLeafF', 'y')]));
    expect(many).toMatchObject({ kind: 'unsupported', type: 'Float_t:Float_t', why: 'it holds 2 leaves (x, y) per entry; discern reads branches of one leaf' });
    expect(branchInfo(branch('o', [leaf('TLeafObject', 'o')])).why).toBe('its leaf type TLeafObject is not a number; discern reads branches of numbers, arrays of numbers and strings');
  });
});
