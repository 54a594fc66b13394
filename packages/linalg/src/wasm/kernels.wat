;; Vector kernels of @discern/linalg: WebAssembly 128-bit SIMD (f64x2), assembled by wabt's wat2wasm into
;; kernels-wasm.ts (`npm run kernels -w @discern/linalg`; src/wasm/assemble.test.ts fails when that file is stale).
;;
;; The rule every kernel here keeps: each output number is computed by the same IEEE operations, in the same order,
;; as the JavaScript kernel it replaces (its reference, named above each function), so results are bit for bit those
;; of the JavaScript code, on any number of threads. The two lanes of an f64x2 always hold two *independent* sums
;; (two rows, or two columns); no sum is ever split across lanes, re-associated or fused: multiplies and adds stay
;; separate instructions (f64x2.mul, f64x2.add), never a fused multiply-add, which would round once instead of twice.
;;
;; Conventions: every pointer is a byte offset into the exported memory, every matrix row-major Float64; the caller
;; (JavaScript) allocates and copies. Loads past the end of a row read a neighbour's value into a lane that is never
;; stored; the caller leaves a few doubles of slack after each buffer for them.

(module
  (memory (export "memory") 1)

  ;; ---------------------------------------------------------------------------------------------------------------
  ;; Gaussian mixture, E-step. Reference: quadBlock in packages/models/src/mixture/gmm-blocks.ts.
  ;;
  ;; For component k and rows [i0, i1) of a block: lp[i·K + k] = ck − 0.5·q_i, with
  ;;   t_ia = −c[a] + Σ_{b ≤ a} L[a, b]·x_ib   (b in increasing order),      q_i = Σ_a t_ia²,
  ;; L the component's lower-triangular precision factor (p×p, row-major), c = L·μ_k. The block's rows are given
  ;; transposed, xt[b·ldx + i] = x_ib, so that one f64x2 load brings x_ib of two rows: each lane is one row's sum.
  ;; Four rows at a time (two vectors), two rows a, a+1 of L at a time (t and u below). `paired` chooses how q adds
  ;; the squares, as the reference does: q += (t_a² + t_{a+1}²) in its four-row groups (paired = 1), q += t_a² one a
  ;; at a time for the last rows of a block that do not fill a group (paired = 0). Rows ≥ i1 are computed (from
  ;; whatever lies in xt's slack) and not stored; xt needs ldx ≥ i1 rounded up to a multiple of 4.
  ;; ---------------------------------------------------------------------------------------------------------------
  (func $quad (param $L i32) (param $c i32) (param $xt i32) (param $ldx i32) (param $i0 i32) (param $i1 i32)
              (param $p i32) (param $lp i32) (param $K i32) (param $k i32) (param $ck f64) (param $paired i32)
    (local $i i32) (local $a i32) (local $b i32) (local $ra i32) (local $rb i32) (local $xb i32)
    (local $ldx8 i32) (local $p8 i32) (local $K8 i32) (local $o i32)
    (local $t0 v128) (local $t1 v128) (local $u0 v128) (local $u1 v128) (local $q0 v128) (local $q1 v128)
    (local $la v128) (local $lb v128) (local $x0 v128) (local $x1 v128)
    (local.set $ldx8 (i32.shl (local.get $ldx) (i32.const 3)))
    (local.set $p8 (i32.shl (local.get $p) (i32.const 3)))
    (local.set $K8 (i32.shl (local.get $K) (i32.const 3)))
    (local.set $i (local.get $i0))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_s (local.get $i) (local.get $i1)))
        (local.set $q0 (v128.const f64x2 0 0))
        (local.set $q1 (v128.const f64x2 0 0))
        ;; pairs of rows a, a+1 of L
        (local.set $a (i32.const 0))
        (block $pairs_done
          (loop $pairs
            (br_if $pairs_done (i32.ge_s (i32.add (local.get $a) (i32.const 1)) (local.get $p)))
            (local.set $ra (i32.add (local.get $L) (i32.mul (local.get $a) (local.get $p8))))
            (local.set $rb (i32.add (local.get $ra) (local.get $p8)))
            (local.set $t0 (f64x2.neg (v128.load64_splat (i32.add (local.get $c) (i32.shl (local.get $a) (i32.const 3))))))
            (local.set $t1 (local.get $t0))
            (local.set $u0 (f64x2.neg (v128.load64_splat offset=8 (i32.add (local.get $c) (i32.shl (local.get $a) (i32.const 3))))))
            (local.set $u1 (local.get $u0))
            (local.set $xb (i32.add (local.get $xt) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $b (i32.const 0))
            (block $b_done
              (loop $bs
                (br_if $b_done (i32.gt_s (local.get $b) (local.get $a)))
                (local.set $la (v128.load64_splat (local.get $ra)))
                (local.set $lb (v128.load64_splat (local.get $rb)))
                (local.set $x0 (v128.load (local.get $xb)))
                (local.set $x1 (v128.load offset=16 (local.get $xb)))
                (local.set $t0 (f64x2.add (local.get $t0) (f64x2.mul (local.get $la) (local.get $x0))))
                (local.set $t1 (f64x2.add (local.get $t1) (f64x2.mul (local.get $la) (local.get $x1))))
                (local.set $u0 (f64x2.add (local.get $u0) (f64x2.mul (local.get $lb) (local.get $x0))))
                (local.set $u1 (f64x2.add (local.get $u1) (f64x2.mul (local.get $lb) (local.get $x1))))
                (local.set $ra (i32.add (local.get $ra) (i32.const 8)))
                (local.set $rb (i32.add (local.get $rb) (i32.const 8)))
                (local.set $xb (i32.add (local.get $xb) (local.get $ldx8)))
                (local.set $b (i32.add (local.get $b) (i32.const 1)))
                (br $bs)))
            ;; b = a + 1: the diagonal of row a+1
            (local.set $lb (v128.load64_splat (local.get $rb)))
            (local.set $u0 (f64x2.add (local.get $u0) (f64x2.mul (local.get $lb) (v128.load (local.get $xb)))))
            (local.set $u1 (f64x2.add (local.get $u1) (f64x2.mul (local.get $lb) (v128.load offset=16 (local.get $xb)))))
            (if (local.get $paired)
              (then
                (local.set $q0 (f64x2.add (local.get $q0) (f64x2.add (f64x2.mul (local.get $t0) (local.get $t0)) (f64x2.mul (local.get $u0) (local.get $u0)))))
                (local.set $q1 (f64x2.add (local.get $q1) (f64x2.add (f64x2.mul (local.get $t1) (local.get $t1)) (f64x2.mul (local.get $u1) (local.get $u1))))))
              (else
                (local.set $q0 (f64x2.add (f64x2.add (local.get $q0) (f64x2.mul (local.get $t0) (local.get $t0))) (f64x2.mul (local.get $u0) (local.get $u0))))
                (local.set $q1 (f64x2.add (f64x2.add (local.get $q1) (f64x2.mul (local.get $t1) (local.get $t1))) (f64x2.mul (local.get $u1) (local.get $u1))))))
            (local.set $a (i32.add (local.get $a) (i32.const 2)))
            (br $pairs)))
        ;; odd p: the last row of L alone
        (if (i32.lt_s (local.get $a) (local.get $p))
          (then
            (local.set $ra (i32.add (local.get $L) (i32.mul (local.get $a) (local.get $p8))))
            (local.set $t0 (f64x2.neg (v128.load64_splat (i32.add (local.get $c) (i32.shl (local.get $a) (i32.const 3))))))
            (local.set $t1 (local.get $t0))
            (local.set $xb (i32.add (local.get $xt) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $b (i32.const 0))
            (block $b2_done
              (loop $b2
                (br_if $b2_done (i32.gt_s (local.get $b) (local.get $a)))
                (local.set $la (v128.load64_splat (local.get $ra)))
                (local.set $t0 (f64x2.add (local.get $t0) (f64x2.mul (local.get $la) (v128.load (local.get $xb)))))
                (local.set $t1 (f64x2.add (local.get $t1) (f64x2.mul (local.get $la) (v128.load offset=16 (local.get $xb)))))
                (local.set $ra (i32.add (local.get $ra) (i32.const 8)))
                (local.set $xb (i32.add (local.get $xb) (local.get $ldx8)))
                (local.set $b (i32.add (local.get $b) (i32.const 1)))
                (br $b2)))
            (local.set $q0 (f64x2.add (local.get $q0) (f64x2.mul (local.get $t0) (local.get $t0))))
            (local.set $q1 (f64x2.add (local.get $q1) (f64x2.mul (local.get $t1) (local.get $t1))))))
        ;; lp = ck − 0.5·q for the rows that exist
        (local.set $q0 (f64x2.sub (f64x2.splat (local.get $ck)) (f64x2.mul (v128.const f64x2 0.5 0.5) (local.get $q0))))
        (local.set $q1 (f64x2.sub (f64x2.splat (local.get $ck)) (f64x2.mul (v128.const f64x2 0.5 0.5) (local.get $q1))))
        (local.set $o (i32.add (local.get $lp) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $K)) (local.get $k)) (i32.const 3))))
        (f64.store (local.get $o) (f64x2.extract_lane 0 (local.get $q0)))
        (if (i32.lt_s (i32.add (local.get $i) (i32.const 1)) (local.get $i1))
          (then (f64.store (i32.add (local.get $o) (local.get $K8)) (f64x2.extract_lane 1 (local.get $q0)))))
        (if (i32.lt_s (i32.add (local.get $i) (i32.const 2)) (local.get $i1))
          (then (f64.store (i32.add (local.get $o) (i32.shl (local.get $K8) (i32.const 1))) (f64x2.extract_lane 0 (local.get $q1)))))
        (if (i32.lt_s (i32.add (local.get $i) (i32.const 3)) (local.get $i1))
          (then (f64.store (i32.add (local.get $o) (i32.mul (local.get $K8) (i32.const 3))) (f64x2.extract_lane 1 (local.get $q1)))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rows))))

  ;; The E-step of one block of bn rows for all K components: lp (bn×K) = log π_k + log N(x_i | k), from the
  ;; factors L (component k's at L + k·Lstride bytes; Lstride = 0 for a tied covariance), c (K×p, c_k = L_k μ_k) and
  ;; c0 (K constants log π_k + log|L_k| − ½ p log 2π). Rows below bn rounded down to 4 are paired, the rest not
  ;; (see $quad): the reference's groups of four rows from the start of each block.
  (func (export "gmm_estep") (param $L i32) (param $Lstride i32) (param $c i32) (param $c0 i32) (param $xt i32)
                             (param $ldx i32) (param $bn i32) (param $p i32) (param $K i32) (param $lp i32)
    (local $k i32) (local $n4 i32)
    (local.set $n4 (i32.and (local.get $bn) (i32.const -4)))
    (block $done
      (loop $ks
        (br_if $done (i32.ge_s (local.get $k) (local.get $K)))
        (call $quad (i32.add (local.get $L) (i32.mul (local.get $k) (local.get $Lstride)))
                    (i32.add (local.get $c) (i32.shl (i32.mul (local.get $k) (local.get $p)) (i32.const 3)))
                    (local.get $xt) (local.get $ldx) (i32.const 0) (local.get $n4) (local.get $p) (local.get $lp)
                    (local.get $K) (local.get $k) (f64.load (i32.add (local.get $c0) (i32.shl (local.get $k) (i32.const 3))))
                    (i32.const 1))
        (call $quad (i32.add (local.get $L) (i32.mul (local.get $k) (local.get $Lstride)))
                    (i32.add (local.get $c) (i32.shl (i32.mul (local.get $k) (local.get $p)) (i32.const 3)))
                    (local.get $xt) (local.get $ldx) (local.get $n4) (local.get $bn) (local.get $p) (local.get $lp)
                    (local.get $K) (local.get $k) (f64.load (i32.add (local.get $c0) (i32.shl (local.get $k) (i32.const 3))))
                    (i32.const 0))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $ks))))

  ;; ---------------------------------------------------------------------------------------------------------------
  ;; Gaussian mixture, M-step sums of one block. Reference: weightedDiffs and syrkBlock in gmm-blocks.ts.
  ;;
  ;; For each component k, with wr_i = w_i·r_ik — lp[i·K + k] itself (sc < 0), or lp[i·K + k]·sc[i] (lp holding
  ;; exp(lp − max) and sc[i] = w_i/s_i: the normalisation's last multiply, done here rather than in a pass of its own,
  ;; the same product) — and the block's rows x (bn×p):
  ;;   nk[k] += Σ_i wr_i  (summed from 0 over the block, then added)
  ;;   R[i, j] = wr_i·(x_ij − μ_kj)
  ;;   m[k, j] = m[k, j] + R[0, j] + R[1, j] + …        (one running sum per j, rows in order)
  ;;   S[k, a, b] += Σ_i R[i, a]·x_ib                    (b ≤ a, and a few b > a; summed from 0, then added)
  ;; Lanes run over j (or b): two columns, each its own sum over the rows in order.
  ;; ---------------------------------------------------------------------------------------------------------------
  (func (export "gmm_mstep") (param $x i32) (param $bn i32) (param $p i32) (param $means i32) (param $lp i32) (param $sc i32)
                             (param $K i32) (param $R i32) (param $m i32) (param $S i32) (param $nk i32)
    (local $k i32) (local $i i32) (local $j i32) (local $a i32) (local $b i32) (local $bEnd i32)
    (local $p8 i32) (local $K8 i32) (local $mk i32) (local $Sk i32) (local $ro i32) (local $xo i32) (local $end i32)
    (local $nsum f64) (local $wr f64) (local $wv v128) (local $s v128)
    (local $rx v128) (local $ry v128) (local $d0 v128) (local $d1 v128)
    (local $u0 v128) (local $u1 v128) (local $v0 v128) (local $v1 v128) (local $sa i32) (local $sb i32) (local $m0 i32)
    (local $w0 v128) (local $w1 v128) (local $z0 v128) (local $z1 v128) (local $qe i32)
    (local.set $p8 (i32.shl (local.get $p) (i32.const 3)))
    (local.set $K8 (i32.shl (local.get $K) (i32.const 3)))
    (local.set $end (i32.mul (local.get $bn) (local.get $p8)))
    (block $k_done
      (loop $ks
        (br_if $k_done (i32.ge_s (local.get $k) (local.get $K)))
        (local.set $mk (i32.add (local.get $means) (i32.mul (local.get $k) (local.get $p8))))
        ;; R, Σ wr and m_k's running sums, row by row: m[k, j] + R[0, j] + R[1, j] + … (the reference adds the
        ;; columns of R to m after the block; the sums are the same, and forming them as the rows are made keeps the
        ;; p/2 dependency chains in flight together)
        (local.set $m0 (i32.add (local.get $m) (i32.mul (local.get $k) (local.get $p8))))
        (local.set $nsum (f64.const 0))
        (local.set $i (i32.const 0))
        (block $i_done
          (loop $is
            (br_if $i_done (i32.ge_s (local.get $i) (local.get $bn)))
            (local.set $wr (f64.load (i32.add (local.get $lp) (i32.shl (i32.add (i32.mul (local.get $i) (local.get $K)) (local.get $k)) (i32.const 3)))))
            (if (i32.ge_s (local.get $sc) (i32.const 0))
              (then (local.set $wr (f64.mul (local.get $wr) (f64.load (i32.add (local.get $sc) (i32.shl (local.get $i) (i32.const 3))))))))
            (local.set $nsum (f64.add (local.get $nsum) (local.get $wr)))
            (local.set $wv (f64x2.splat (local.get $wr)))
            (local.set $ro (i32.mul (local.get $i) (local.get $p8)))
            (local.set $xo (i32.const 0))
            (local.set $j (i32.const 0))
            (block $j_done
              (loop $js
                (br_if $j_done (i32.gt_s (i32.add (local.get $j) (i32.const 2)) (local.get $p)))
                (local.set $s (f64x2.mul (local.get $wv) (f64x2.sub (v128.load (i32.add (local.get $x) (local.get $ro)))
                                                                     (v128.load (i32.add (local.get $mk) (local.get $xo))))))
                (v128.store (i32.add (local.get $R) (local.get $ro)) (local.get $s))
                (v128.store (i32.add (local.get $m0) (local.get $xo)) (f64x2.add (v128.load (i32.add (local.get $m0) (local.get $xo))) (local.get $s)))
                (local.set $ro (i32.add (local.get $ro) (i32.const 16)))
                (local.set $xo (i32.add (local.get $xo) (i32.const 16)))
                (local.set $j (i32.add (local.get $j) (i32.const 2)))
                (br $js)))
            (if (i32.lt_s (local.get $j) (local.get $p))
              (then
                (local.set $wr (f64.mul (local.get $wr) (f64.sub (f64.load (i32.add (local.get $x) (local.get $ro)))
                                                                  (f64.load (i32.add (local.get $mk) (local.get $xo))))))
                (f64.store (i32.add (local.get $R) (local.get $ro)) (local.get $wr))
                (f64.store (i32.add (local.get $m0) (local.get $xo)) (f64.add (f64.load (i32.add (local.get $m0) (local.get $xo))) (local.get $wr)))))
            (local.set $i (i32.add (local.get $i) (i32.const 1)))
            (br $is)))
        (f64.store (i32.add (local.get $nk) (i32.shl (local.get $k) (i32.const 3)))
          (f64.add (f64.load (i32.add (local.get $nk) (i32.shl (local.get $k) (i32.const 3)))) (local.get $nsum)))
        ;; S_k += Rᵀx over the lower triangle: rows a, a+1 of S, columns b in pairs [0, a+2)
        (local.set $Sk (i32.add (local.get $S) (i32.mul (local.get $k) (i32.mul (local.get $p8) (local.get $p)))))
        ;; rows a … a+3 of S at a time (4 × 4 tiles: each loaded column pair of x feeds 4 rows of R), columns [0, a+4)
        (local.set $a (i32.const 0))
        (block $q_done
          (loop $qs
            (br_if $q_done (i32.ge_s (i32.add (local.get $a) (i32.const 3)) (local.get $p)))
            (local.set $sa (i32.add (local.get $Sk) (i32.mul (local.get $a) (local.get $p8))))
            (local.set $b (i32.const 0))
            (block $qb_done
              (loop $qb
                (br_if $qb_done (i32.ge_s (local.get $b) (i32.add (local.get $a) (i32.const 4))))
                (local.set $u0 (v128.const f64x2 0 0)) (local.set $u1 (v128.const f64x2 0 0))
                (local.set $v0 (v128.const f64x2 0 0)) (local.set $v1 (v128.const f64x2 0 0))
                (local.set $w0 (v128.const f64x2 0 0)) (local.set $w1 (v128.const f64x2 0 0))
                (local.set $z0 (v128.const f64x2 0 0)) (local.set $z1 (v128.const f64x2 0 0))
                (local.set $ro (i32.add (local.get $R) (i32.shl (local.get $a) (i32.const 3))))
                (local.set $xo (i32.add (local.get $x) (i32.shl (local.get $b) (i32.const 3))))
                (local.set $qe (i32.add (local.get $ro) (local.get $end)))
                (block $qr_done
                  (loop $qr
                    (br_if $qr_done (i32.ge_u (local.get $ro) (local.get $qe)))
                    (local.set $d0 (v128.load (local.get $xo)))
                    (local.set $d1 (v128.load offset=16 (local.get $xo)))
                    (local.set $rx (v128.load64_splat (local.get $ro)))
                    (local.set $u0 (f64x2.add (local.get $u0) (f64x2.mul (local.get $rx) (local.get $d0))))
                    (local.set $u1 (f64x2.add (local.get $u1) (f64x2.mul (local.get $rx) (local.get $d1))))
                    (local.set $rx (v128.load64_splat offset=8 (local.get $ro)))
                    (local.set $v0 (f64x2.add (local.get $v0) (f64x2.mul (local.get $rx) (local.get $d0))))
                    (local.set $v1 (f64x2.add (local.get $v1) (f64x2.mul (local.get $rx) (local.get $d1))))
                    (local.set $rx (v128.load64_splat offset=16 (local.get $ro)))
                    (local.set $w0 (f64x2.add (local.get $w0) (f64x2.mul (local.get $rx) (local.get $d0))))
                    (local.set $w1 (f64x2.add (local.get $w1) (f64x2.mul (local.get $rx) (local.get $d1))))
                    (local.set $rx (v128.load64_splat offset=24 (local.get $ro)))
                    (local.set $z0 (f64x2.add (local.get $z0) (f64x2.mul (local.get $rx) (local.get $d0))))
                    (local.set $z1 (f64x2.add (local.get $z1) (f64x2.mul (local.get $rx) (local.get $d1))))
                    (local.set $ro (i32.add (local.get $ro) (local.get $p8)))
                    (local.set $xo (i32.add (local.get $xo) (local.get $p8)))
                    (br $qr)))
                (local.set $ro (i32.add (local.get $sa) (i32.shl (local.get $b) (i32.const 3))))
                (v128.store (local.get $ro) (f64x2.add (v128.load (local.get $ro)) (local.get $u0)))
                (v128.store offset=16 (local.get $ro) (f64x2.add (v128.load offset=16 (local.get $ro)) (local.get $u1)))
                (local.set $ro (i32.add (local.get $ro) (local.get $p8)))
                (v128.store (local.get $ro) (f64x2.add (v128.load (local.get $ro)) (local.get $v0)))
                (v128.store offset=16 (local.get $ro) (f64x2.add (v128.load offset=16 (local.get $ro)) (local.get $v1)))
                (local.set $ro (i32.add (local.get $ro) (local.get $p8)))
                (v128.store (local.get $ro) (f64x2.add (v128.load (local.get $ro)) (local.get $w0)))
                (v128.store offset=16 (local.get $ro) (f64x2.add (v128.load offset=16 (local.get $ro)) (local.get $w1)))
                (local.set $ro (i32.add (local.get $ro) (local.get $p8)))
                (v128.store (local.get $ro) (f64x2.add (v128.load (local.get $ro)) (local.get $z0)))
                (v128.store offset=16 (local.get $ro) (f64x2.add (v128.load offset=16 (local.get $ro)) (local.get $z1)))
                (local.set $b (i32.add (local.get $b) (i32.const 4)))
                (br $qb)))
            (local.set $a (i32.add (local.get $a) (i32.const 4)))
            (br $qs)))
        ;; the rows left, two at a time
        (block $a_done
          (loop $as
            (br_if $a_done (i32.ge_s (i32.add (local.get $a) (i32.const 1)) (local.get $p)))
            (local.set $bEnd (i32.add (local.get $a) (i32.const 2)))
            (local.set $sa (i32.add (local.get $Sk) (i32.mul (local.get $a) (local.get $p8))))
            (local.set $sb (i32.add (local.get $sa) (local.get $p8)))
            (local.set $b (i32.const 0))
            ;; four columns (two vectors) at a time
            (block $b4_done
              (loop $b4
                (br_if $b4_done (i32.gt_s (i32.add (local.get $b) (i32.const 4)) (local.get $bEnd)))
                (local.set $u0 (v128.const f64x2 0 0)) (local.set $u1 (v128.const f64x2 0 0))
                (local.set $v0 (v128.const f64x2 0 0)) (local.set $v1 (v128.const f64x2 0 0))
                (local.set $ro (i32.shl (local.get $a) (i32.const 3)))
                (local.set $xo (i32.add (local.get $x) (i32.shl (local.get $b) (i32.const 3))))
                (block $r4_done
                  (loop $r4
                    (br_if $r4_done (i32.ge_s (local.get $ro) (local.get $end)))
                    (local.set $rx (v128.load64_splat (i32.add (local.get $R) (local.get $ro))))
                    (local.set $ry (v128.load64_splat offset=8 (i32.add (local.get $R) (local.get $ro))))
                    (local.set $d0 (v128.load (local.get $xo)))
                    (local.set $d1 (v128.load offset=16 (local.get $xo)))
                    (local.set $u0 (f64x2.add (local.get $u0) (f64x2.mul (local.get $rx) (local.get $d0))))
                    (local.set $u1 (f64x2.add (local.get $u1) (f64x2.mul (local.get $rx) (local.get $d1))))
                    (local.set $v0 (f64x2.add (local.get $v0) (f64x2.mul (local.get $ry) (local.get $d0))))
                    (local.set $v1 (f64x2.add (local.get $v1) (f64x2.mul (local.get $ry) (local.get $d1))))
                    (local.set $ro (i32.add (local.get $ro) (local.get $p8)))
                    (local.set $xo (i32.add (local.get $xo) (local.get $p8)))
                    (br $r4)))
                (local.set $ro (i32.shl (local.get $b) (i32.const 3)))
                (v128.store (i32.add (local.get $sa) (local.get $ro)) (f64x2.add (v128.load (i32.add (local.get $sa) (local.get $ro))) (local.get $u0)))
                (v128.store offset=16 (i32.add (local.get $sa) (local.get $ro)) (f64x2.add (v128.load offset=16 (i32.add (local.get $sa) (local.get $ro))) (local.get $u1)))
                (v128.store (i32.add (local.get $sb) (local.get $ro)) (f64x2.add (v128.load (i32.add (local.get $sb) (local.get $ro))) (local.get $v0)))
                (v128.store offset=16 (i32.add (local.get $sb) (local.get $ro)) (f64x2.add (v128.load offset=16 (i32.add (local.get $sb) (local.get $ro))) (local.get $v1)))
                (local.set $b (i32.add (local.get $b) (i32.const 4)))
                (br $b4)))
            ;; two columns left
            (if (i32.lt_s (local.get $b) (local.get $bEnd))
              (then
                (local.set $u0 (v128.const f64x2 0 0)) (local.set $v0 (v128.const f64x2 0 0))
                (local.set $ro (i32.shl (local.get $a) (i32.const 3)))
                (local.set $xo (i32.add (local.get $x) (i32.shl (local.get $b) (i32.const 3))))
                (block $r2b_done
                  (loop $r2b
                    (br_if $r2b_done (i32.ge_s (local.get $ro) (local.get $end)))
                    (local.set $d0 (v128.load (local.get $xo)))
                    (local.set $u0 (f64x2.add (local.get $u0) (f64x2.mul (v128.load64_splat (i32.add (local.get $R) (local.get $ro))) (local.get $d0))))
                    (local.set $v0 (f64x2.add (local.get $v0) (f64x2.mul (v128.load64_splat offset=8 (i32.add (local.get $R) (local.get $ro))) (local.get $d0))))
                    (local.set $ro (i32.add (local.get $ro) (local.get $p8)))
                    (local.set $xo (i32.add (local.get $xo) (local.get $p8)))
                    (br $r2b)))
                (local.set $ro (i32.shl (local.get $b) (i32.const 3)))
                (v128.store (i32.add (local.get $sa) (local.get $ro)) (f64x2.add (v128.load (i32.add (local.get $sa) (local.get $ro))) (local.get $u0)))
                (v128.store (i32.add (local.get $sb) (local.get $ro)) (f64x2.add (v128.load (i32.add (local.get $sb) (local.get $ro))) (local.get $v0)))))
            (local.set $a (i32.add (local.get $a) (i32.const 2)))
            (br $as)))
        ;; odd p: the last row a = p−1, columns 0 … p−1 (pairs, then the diagonal alone)
        (if (i32.lt_s (local.get $a) (local.get $p))
          (then
            (local.set $sa (i32.add (local.get $Sk) (i32.mul (local.get $a) (local.get $p8))))
            (local.set $b (i32.const 0))
            (block $bl_done
              (loop $bl
                (br_if $bl_done (i32.gt_s (i32.add (local.get $b) (i32.const 2)) (local.get $p)))
                (local.set $u0 (v128.const f64x2 0 0))
                (local.set $ro (i32.shl (local.get $a) (i32.const 3)))
                (local.set $xo (i32.add (local.get $x) (i32.shl (local.get $b) (i32.const 3))))
                (block $rl_done
                  (loop $rl
                    (br_if $rl_done (i32.ge_s (local.get $ro) (local.get $end)))
                    (local.set $u0 (f64x2.add (local.get $u0) (f64x2.mul (v128.load64_splat (i32.add (local.get $R) (local.get $ro))) (v128.load (local.get $xo)))))
                    (local.set $ro (i32.add (local.get $ro) (local.get $p8)))
                    (local.set $xo (i32.add (local.get $xo) (local.get $p8)))
                    (br $rl)))
                (local.set $ro (i32.shl (local.get $b) (i32.const 3)))
                (v128.store (i32.add (local.get $sa) (local.get $ro)) (f64x2.add (v128.load (i32.add (local.get $sa) (local.get $ro))) (local.get $u0)))
                (local.set $b (i32.add (local.get $b) (i32.const 2)))
                (br $bl)))
            (local.set $wr (f64.const 0))
            (local.set $ro (i32.shl (local.get $a) (i32.const 3)))
            (local.set $xo (i32.add (local.get $x) (i32.shl (local.get $b) (i32.const 3))))
            (block $rd_done
              (loop $rd
                (br_if $rd_done (i32.ge_s (local.get $ro) (local.get $end)))
                (local.set $wr (f64.add (local.get $wr) (f64.mul (f64.load (i32.add (local.get $R) (local.get $ro))) (f64.load (local.get $xo)))))
                (local.set $ro (i32.add (local.get $ro) (local.get $p8)))
                (local.set $xo (i32.add (local.get $xo) (local.get $p8)))
                (br $rd)))
            (local.set $ro (i32.add (local.get $sa) (i32.shl (local.get $b) (i32.const 3))))
            (f64.store (local.get $ro) (f64.add (f64.load (local.get $ro)) (local.get $wr)))))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $ks))))

  ;; mx[i] = max_k lp[i·K + k] for i < bn, taken as the reference does (`if (lp > max) max = lp`, from −∞): the first
  ;; step of normaliseBlock, for normaliseExp in gmm-blocks.ts.
  (func (export "gmm_rowmax") (param $lp i32) (param $bn i32) (param $K i32) (param $mx i32)
    (local $i i32) (local $e i32) (local $m f64) (local $v f64)
    (block $done
      (loop $rows
        (br_if $done (i32.ge_s (local.get $i) (local.get $bn)))
        (local.set $m (f64.const -inf))
        (local.set $e (i32.add (local.get $lp) (i32.shl (local.get $K) (i32.const 3))))
        (block $k_done
          (loop $ks
            (br_if $k_done (i32.ge_u (local.get $lp) (local.get $e)))
            (local.set $v (f64.load (local.get $lp)))
            (local.set $m (select (local.get $v) (local.get $m) (f64.gt (local.get $v) (local.get $m))))
            (local.set $lp (i32.add (local.get $lp) (i32.const 8)))
            (br $ks)))
        (f64.store (i32.add (local.get $mx) (i32.shl (local.get $i) (i32.const 3))) (local.get $m))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rows))))

  ;; dst[j·ldd + i] = src[i·cols + j] for i < rows, j < cols: a block of rows transposed for the kernels that take a
  ;; lane per row ($quad, gemv, logloss_pass). Returns 1 when every value is finite, 0 when one is ±∞ or NaN (its
  ;; exponent bits all ones): a caller that brings its input here anyway checks it on the way, for a few instructions
  ;; per value (see loadRows in packages/models/src/logistic/loss.ts). Rows go in pairs: one vector from each row (two
  ;; columns) makes two vectors of the transpose (one column of both rows each, stored where the pair starts); an odd
  ;; last column and an odd last row go a value at a time. A copy: the values' bits are kept.
  (func (export "transpose") (param $src i32) (param $rows i32) (param $cols i32) (param $dst i32) (param $ldd i32) (result i32)
    (local $i i32) (local $j i32) (local $s i32) (local $t i32) (local $d i32) (local $ldd8 i32) (local $rb i32) (local $pe i32)
    (local $a v128) (local $b v128) (local $bad v128) (local $v i64) (local $badv i32)
    (local.set $ldd8 (i32.shl (local.get $ldd) (i32.const 3)))
    (local.set $rb (i32.shl (local.get $cols) (i32.const 3)))
    ;; bytes of the columns that go in pairs
    (local.set $pe (i32.and (local.get $rb) (i32.const -16)))
    (block $pairs_done
      (loop $pairs
        (br_if $pairs_done (i32.gt_s (i32.add (local.get $i) (i32.const 2)) (local.get $rows)))
        (local.set $s (i32.add (local.get $src) (i32.mul (local.get $i) (local.get $rb))))
        (local.set $t (i32.add (local.get $s) (local.get $rb)))
        (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $j (i32.const 0))
        (block $cols_done
          (loop $cs
            (br_if $cols_done (i32.ge_u (local.get $j) (local.get $pe)))
            (local.set $a (v128.load (i32.add (local.get $s) (local.get $j))))
            (local.set $b (v128.load (i32.add (local.get $t) (local.get $j))))
            (local.set $bad (v128.or (local.get $bad) (v128.or
              (i64x2.eq (v128.and (local.get $a) (v128.const i64x2 0x7ff0000000000000 0x7ff0000000000000)) (v128.const i64x2 0x7ff0000000000000 0x7ff0000000000000))
              (i64x2.eq (v128.and (local.get $b) (v128.const i64x2 0x7ff0000000000000 0x7ff0000000000000)) (v128.const i64x2 0x7ff0000000000000 0x7ff0000000000000)))))
            (v128.store (local.get $d) (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $a) (local.get $b)))
            (v128.store (i32.add (local.get $d) (local.get $ldd8)) (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $a) (local.get $b)))
            (local.set $d (i32.add (local.get $d) (i32.shl (local.get $ldd8) (i32.const 1))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $cs)))
        (if (i32.lt_u (local.get $pe) (local.get $rb))
          (then
            (local.set $v (i64.load (i32.add (local.get $s) (local.get $pe))))
            (i64.store (local.get $d) (local.get $v))
            (local.set $badv (i32.or (local.get $badv)
              (i64.eq (i64.and (local.get $v) (i64.const 0x7ff0000000000000)) (i64.const 0x7ff0000000000000))))
            (local.set $v (i64.load (i32.add (local.get $t) (local.get $pe))))
            (i64.store offset=8 (local.get $d) (local.get $v))
            (local.set $badv (i32.or (local.get $badv)
              (i64.eq (i64.and (local.get $v) (i64.const 0x7ff0000000000000)) (i64.const 0x7ff0000000000000))))))
        (local.set $i (i32.add (local.get $i) (i32.const 2)))
        (br $pairs)))
    (if (i32.lt_s (local.get $i) (local.get $rows))
      (then
        (local.set $s (i32.add (local.get $src) (i32.mul (local.get $i) (local.get $rb))))
        (local.set $d (i32.add (local.get $dst) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $j (i32.const 0))
        (block $last_done
          (loop $last
            (br_if $last_done (i32.ge_u (local.get $j) (local.get $rb)))
            (local.set $v (i64.load (i32.add (local.get $s) (local.get $j))))
            (i64.store (local.get $d) (local.get $v))
            (local.set $badv (i32.or (local.get $badv)
              (i64.eq (i64.and (local.get $v) (i64.const 0x7ff0000000000000)) (i64.const 0x7ff0000000000000))))
            (local.set $d (i32.add (local.get $d) (local.get $ldd8)))
            (local.set $j (i32.add (local.get $j) (i32.const 8)))
            (br $last)))))
    (i32.and
      (i32.eqz (local.get $badv))
      (i32.eqz (v128.any_true (local.get $bad)))))

  ;; dst[k·p + j] = src[idx[k]·lds + j] for k < m, j < p (idx: m i32 row numbers; source rows lds ≥ p doubles apart):
  ;; the rows of a mini-batch, picked by a shuffled order, copied into the batch buffer. Reference: Workspace.loadRows
  ;; in packages/models/src/mlp/network.ts (a copy: the same numbers, bits and all). Pairs of doubles by f64x2 load
  ;; and store, an odd last one by f64. Why WebAssembly for a copy: past the caches each picked row is a miss, and
  ;; this loop, a few instructions a row, keeps many rows' misses in flight where the JavaScript copy (~2 ns a
  ;; number) keeps a few.
  (func (export "gather_rows") (param $dst i32) (param $src i32) (param $lds i32) (param $idx i32) (param $m i32) (param $p i32)
    (local $k i32) (local $rb i32) (local $sb i32) (local $pairs i32) (local $s i32) (local $j i32)
    (local.set $rb (i32.shl (local.get $p) (i32.const 3)))
    (local.set $sb (i32.shl (local.get $lds) (i32.const 3)))
    (local.set $pairs (i32.and (local.get $rb) (i32.const -16)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_s (local.get $k) (local.get $m)))
        (local.set $s (i32.add (local.get $src)
          (i32.mul (i32.load (i32.add (local.get $idx) (i32.shl (local.get $k) (i32.const 2)))) (local.get $sb))))
        (local.set $j (i32.const 0))
        (block $pairs_done
          (loop $ps
            (br_if $pairs_done (i32.ge_u (local.get $j) (local.get $pairs)))
            (v128.store (i32.add (local.get $dst) (local.get $j)) (v128.load (i32.add (local.get $s) (local.get $j))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $ps)))
        (if (i32.lt_u (local.get $j) (local.get $rb))
          (then (f64.store (i32.add (local.get $dst) (local.get $j)) (f64.load (i32.add (local.get $s) (local.get $j))))))
        (local.set $dst (i32.add (local.get $dst) (local.get $rb)))
        (local.set $k (i32.add (local.get $k) (i32.const 1)))
        (br $rows))))

  ;; ---------------------------------------------------------------------------------------------------------------
  ;; Dense products of back-propagation. References: denseForward, denseBackward, denseGradient in
  ;; packages/models/src/mlp/kernels.ts.
  ;;
  ;; C[i·ldc + j] = epilogue(s_ij) for i < M, j < N, where s_ij = Σ_{k < Kr} A[i·sai + k·sak]·B[k·ldb + j], summed
  ;; from 0 with k increasing (every reference kernel sums each output that way, whatever its tiling). Lanes run over
  ;; j: B's rows are contiguous. The epilogue, in the references' order:
  ;;   bias ≥ 0:  s + bias[j]                       (forward)
  ;;   relu ≠ 0:  s·(s > 0 ? 1 : 0)                 (forward's relu, written v·+(v > 0): a negative gives −0, NaN stays)
  ;;   E ≥ 0:     s + decay·E[i·ldc + j]            (weight gradient plus the L2 term)
  ;; The three uses: forward A = activations (sai = r, sak = 1), B = W; weight gradient A = activations read down a
  ;; column (sai = 1, sak = r), B = the errors D; input gradient A = D, B = Wᵀ. Tiles of 4 rows × 4 columns; rows and
  ;; columns past M and N are computed from slack and not stored.
  ;; ---------------------------------------------------------------------------------------------------------------
  (func $emit (param $dst i32) (param $v v128) (param $n i32) (param $bias i32) (param $relu i32) (param $E i32) (param $decay f64)
    (if (i32.ge_s (local.get $bias) (i32.const 0))
      (then (local.set $v (f64x2.add (local.get $v) (v128.load (local.get $bias))))))
    (if (local.get $relu)
      (then (local.set $v (f64x2.mul (local.get $v) (v128.and (f64x2.gt (local.get $v) (v128.const f64x2 0 0)) (v128.const f64x2 1 1))))))
    (if (i32.ge_s (local.get $E) (i32.const 0))
      (then (local.set $v (f64x2.add (local.get $v) (f64x2.mul (f64x2.splat (local.get $decay)) (v128.load (local.get $E)))))))
    (if (i32.ge_s (local.get $n) (i32.const 2))
      (then (v128.store (local.get $dst) (local.get $v)))
      (else (if (i32.eq (local.get $n) (i32.const 1))
        (then (f64.store (local.get $dst) (f64x2.extract_lane 0 (local.get $v))))))))

  (func (export "mm") (param $C i32) (param $ldc i32) (param $A i32) (param $sai i32) (param $sak i32) (param $B i32)
                      (param $ldb i32) (param $M i32) (param $N i32) (param $Kr i32)
                      (param $bias i32) (param $relu i32) (param $E i32) (param $decay f64)
    (local $i i32) (local $j i32) (local $k i32) (local $ai i32) (local $bk i32) (local $r i32) (local $nj i32) (local $nc i32)
    (local $sai8 i32) (local $sak8 i32) (local $ldb8 i32) (local $ldc8 i32) (local $co i32) (local $bo i32)
    (local $s00 v128) (local $s01 v128) (local $s10 v128) (local $s11 v128)
    (local $s20 v128) (local $s21 v128) (local $s30 v128) (local $s31 v128)
    (local $b0 v128) (local $b1 v128) (local $a v128)
    (local.set $sai8 (i32.shl (local.get $sai) (i32.const 3)))
    (local.set $sak8 (i32.shl (local.get $sak) (i32.const 3)))
    (local.set $ldb8 (i32.shl (local.get $ldb) (i32.const 3)))
    (local.set $ldc8 (i32.shl (local.get $ldc) (i32.const 3)))
    (block $i_done
      (loop $is
        (br_if $i_done (i32.ge_s (local.get $i) (local.get $M)))
        (local.set $j (i32.const 0))
        (block $j_done
          (loop $js
            (br_if $j_done (i32.ge_s (local.get $j) (local.get $N)))
            (local.set $s00 (v128.const f64x2 0 0)) (local.set $s01 (v128.const f64x2 0 0))
            (local.set $s10 (v128.const f64x2 0 0)) (local.set $s11 (v128.const f64x2 0 0))
            (local.set $s20 (v128.const f64x2 0 0)) (local.set $s21 (v128.const f64x2 0 0))
            (local.set $s30 (v128.const f64x2 0 0)) (local.set $s31 (v128.const f64x2 0 0))
            (local.set $ai (i32.add (local.get $A) (i32.mul (local.get $i) (local.get $sai8))))
            (local.set $bk (i32.add (local.get $B) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $k (i32.const 0))
            (block $k_done
              (loop $ks
                (br_if $k_done (i32.ge_s (local.get $k) (local.get $Kr)))
                (local.set $b0 (v128.load (local.get $bk)))
                (local.set $b1 (v128.load offset=16 (local.get $bk)))
                (local.set $a (v128.load64_splat (local.get $ai)))
                (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $a) (local.get $b0))))
                (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $a) (local.get $b1))))
                (local.set $a (v128.load64_splat (i32.add (local.get $ai) (local.get $sai8))))
                (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $a) (local.get $b0))))
                (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $a) (local.get $b1))))
                (local.set $a (v128.load64_splat (i32.add (local.get $ai) (i32.shl (local.get $sai8) (i32.const 1)))))
                (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $a) (local.get $b0))))
                (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $a) (local.get $b1))))
                (local.set $a (v128.load64_splat (i32.add (local.get $ai) (i32.mul (local.get $sai8) (i32.const 3)))))
                (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $a) (local.get $b0))))
                (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $a) (local.get $b1))))
                (local.set $ai (i32.add (local.get $ai) (local.get $sak8)))
                (local.set $bk (i32.add (local.get $bk) (local.get $ldb8)))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))
                (br $ks)))
            ;; a whole tile: the epilogue on all eight vectors, then plain stores
            (if (i32.and (i32.le_s (i32.add (local.get $i) (i32.const 4)) (local.get $M)) (i32.le_s (i32.add (local.get $j) (i32.const 4)) (local.get $N)))
              (then
                (if (i32.ge_s (local.get $bias) (i32.const 0))
                  (then
                    (local.set $b0 (v128.load (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 3)))))
                    (local.set $b1 (v128.load offset=16 (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 3)))))
                    (local.set $s00 (f64x2.add (local.get $s00) (local.get $b0)))
                    (local.set $s01 (f64x2.add (local.get $s01) (local.get $b1)))
                    (local.set $s10 (f64x2.add (local.get $s10) (local.get $b0)))
                    (local.set $s11 (f64x2.add (local.get $s11) (local.get $b1)))
                    (local.set $s20 (f64x2.add (local.get $s20) (local.get $b0)))
                    (local.set $s21 (f64x2.add (local.get $s21) (local.get $b1)))
                    (local.set $s30 (f64x2.add (local.get $s30) (local.get $b0)))
                    (local.set $s31 (f64x2.add (local.get $s31) (local.get $b1)))))
                (if (local.get $relu)
                  (then
                    (local.set $s00 (f64x2.mul (local.get $s00) (v128.and (f64x2.gt (local.get $s00) (v128.const f64x2 0 0)) (v128.const f64x2 1 1))))
                    (local.set $s01 (f64x2.mul (local.get $s01) (v128.and (f64x2.gt (local.get $s01) (v128.const f64x2 0 0)) (v128.const f64x2 1 1))))
                    (local.set $s10 (f64x2.mul (local.get $s10) (v128.and (f64x2.gt (local.get $s10) (v128.const f64x2 0 0)) (v128.const f64x2 1 1))))
                    (local.set $s11 (f64x2.mul (local.get $s11) (v128.and (f64x2.gt (local.get $s11) (v128.const f64x2 0 0)) (v128.const f64x2 1 1))))
                    (local.set $s20 (f64x2.mul (local.get $s20) (v128.and (f64x2.gt (local.get $s20) (v128.const f64x2 0 0)) (v128.const f64x2 1 1))))
                    (local.set $s21 (f64x2.mul (local.get $s21) (v128.and (f64x2.gt (local.get $s21) (v128.const f64x2 0 0)) (v128.const f64x2 1 1))))
                    (local.set $s30 (f64x2.mul (local.get $s30) (v128.and (f64x2.gt (local.get $s30) (v128.const f64x2 0 0)) (v128.const f64x2 1 1))))
                    (local.set $s31 (f64x2.mul (local.get $s31) (v128.and (f64x2.gt (local.get $s31) (v128.const f64x2 0 0)) (v128.const f64x2 1 1))))))
                (local.set $co (i32.add (local.get $C) (i32.add (i32.mul (local.get $i) (local.get $ldc8)) (i32.shl (local.get $j) (i32.const 3)))))
                (if (i32.ge_s (local.get $E) (i32.const 0))
                  (then
                    (local.set $a (f64x2.splat (local.get $decay)))
                    (local.set $bo (i32.add (local.get $E) (i32.sub (local.get $co) (local.get $C))))
                    (local.set $s00 (f64x2.add (local.get $s00) (f64x2.mul (local.get $a) (v128.load (local.get $bo)))))
                    (local.set $s01 (f64x2.add (local.get $s01) (f64x2.mul (local.get $a) (v128.load offset=16 (local.get $bo)))))
                    (local.set $bo (i32.add (local.get $bo) (local.get $ldc8)))
                    (local.set $s10 (f64x2.add (local.get $s10) (f64x2.mul (local.get $a) (v128.load (local.get $bo)))))
                    (local.set $s11 (f64x2.add (local.get $s11) (f64x2.mul (local.get $a) (v128.load offset=16 (local.get $bo)))))
                    (local.set $bo (i32.add (local.get $bo) (local.get $ldc8)))
                    (local.set $s20 (f64x2.add (local.get $s20) (f64x2.mul (local.get $a) (v128.load (local.get $bo)))))
                    (local.set $s21 (f64x2.add (local.get $s21) (f64x2.mul (local.get $a) (v128.load offset=16 (local.get $bo)))))
                    (local.set $bo (i32.add (local.get $bo) (local.get $ldc8)))
                    (local.set $s30 (f64x2.add (local.get $s30) (f64x2.mul (local.get $a) (v128.load (local.get $bo)))))
                    (local.set $s31 (f64x2.add (local.get $s31) (f64x2.mul (local.get $a) (v128.load offset=16 (local.get $bo)))))))
                (v128.store (local.get $co) (local.get $s00))
                (v128.store offset=16 (local.get $co) (local.get $s01))
                (local.set $co (i32.add (local.get $co) (local.get $ldc8)))
                (v128.store (local.get $co) (local.get $s10))
                (v128.store offset=16 (local.get $co) (local.get $s11))
                (local.set $co (i32.add (local.get $co) (local.get $ldc8)))
                (v128.store (local.get $co) (local.get $s20))
                (v128.store offset=16 (local.get $co) (local.get $s21))
                (local.set $co (i32.add (local.get $co) (local.get $ldc8)))
                (v128.store (local.get $co) (local.get $s30))
                (v128.store offset=16 (local.get $co) (local.get $s31))
              )
              (else
                ;; a tile at the edge: the rows that exist, the columns that exist (the epilogue in $emit)
                (local.set $nj (i32.sub (local.get $N) (local.get $j)))
                (local.set $r (i32.const 0))
                (local.set $co (i32.add (local.get $C) (i32.add (i32.mul (local.get $i) (local.get $ldc8)) (i32.shl (local.get $j) (i32.const 3)))))
                (local.set $bo (if (result i32) (i32.ge_s (local.get $bias) (i32.const 0))
                                 (then (i32.add (local.get $bias) (i32.shl (local.get $j) (i32.const 3)))) (else (i32.const -1))))
                (block $r_done
                  (loop $rs
                    (br_if $r_done (i32.or (i32.ge_s (local.get $r) (i32.const 4)) (i32.ge_s (i32.add (local.get $i) (local.get $r)) (local.get $M))))
                    (local.set $nc (if (result i32) (i32.gt_s (local.get $nj) (i32.const 2)) (then (i32.const 2)) (else (local.get $nj))))
                    (call $emit (local.get $co)
                      (select (select (local.get $s00) (local.get $s10) (i32.eqz (local.get $r)))
                              (select (local.get $s20) (local.get $s30) (i32.eq (local.get $r) (i32.const 2)))
                              (i32.lt_s (local.get $r) (i32.const 2)))
                      (local.get $nc) (local.get $bo) (local.get $relu)
                      (if (result i32) (i32.ge_s (local.get $E) (i32.const 0))
                        (then (i32.add (local.get $E) (i32.sub (local.get $co) (local.get $C)))) (else (i32.const -1)))
                      (local.get $decay))
                    (if (i32.gt_s (local.get $nj) (i32.const 2))
                      (then
                        (call $emit (i32.add (local.get $co) (i32.const 16))
                          (select (select (local.get $s01) (local.get $s11) (i32.eqz (local.get $r)))
                                  (select (local.get $s21) (local.get $s31) (i32.eq (local.get $r) (i32.const 2)))
                                  (i32.lt_s (local.get $r) (i32.const 2)))
                          (i32.sub (local.get $nj) (i32.const 2))
                          (if (result i32) (i32.ge_s (local.get $bo) (i32.const 0)) (then (i32.add (local.get $bo) (i32.const 16))) (else (i32.const -1)))
                          (local.get $relu)
                          (if (result i32) (i32.ge_s (local.get $E) (i32.const 0))
                            (then (i32.add (local.get $E) (i32.add (i32.sub (local.get $co) (local.get $C)) (i32.const 16)))) (else (i32.const -1)))
                          (local.get $decay))))
                    (local.set $co (i32.add (local.get $co) (local.get $ldc8)))
                    (local.set $r (i32.add (local.get $r) (i32.const 1)))
                    (br $rs)))))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $js)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $is))))

  ;; out[j] = Σ_i D[i·n + j] for j < n, rows in order from 0 (the bias gradient).
  (func (export "colsum") (param $D i32) (param $m i32) (param $n i32) (param $out i32)
    (local $j i32) (local $o i32) (local $end i32) (local $n8 i32) (local $s v128) (local $t f64)
    (local.set $n8 (i32.shl (local.get $n) (i32.const 3)))
    (local.set $end (i32.add (local.get $D) (i32.mul (local.get $m) (local.get $n8))))
    (block $j_done
      (loop $js
        (br_if $j_done (i32.gt_s (i32.add (local.get $j) (i32.const 2)) (local.get $n)))
        (local.set $s (v128.const f64x2 0 0))
        (local.set $o (i32.add (local.get $D) (i32.shl (local.get $j) (i32.const 3))))
        (block $r_done
          (loop $rs
            (br_if $r_done (i32.ge_u (local.get $o) (local.get $end)))
            (local.set $s (f64x2.add (local.get $s) (v128.load (local.get $o))))
            (local.set $o (i32.add (local.get $o) (local.get $n8)))
            (br $rs)))
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))) (local.get $s))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))
        (br $js)))
    (if (i32.lt_s (local.get $j) (local.get $n))
      (then
        (local.set $t (f64.const 0))
        (local.set $o (i32.add (local.get $D) (i32.shl (local.get $j) (i32.const 3))))
        (block $r2_done
          (loop $r2
            (br_if $r2_done (i32.ge_u (local.get $o) (local.get $end)))
            (local.set $t (f64.add (local.get $t) (f64.load (local.get $o))))
            (local.set $o (i32.add (local.get $o) (local.get $n8)))
            (br $r2)))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))) (local.get $t)))))

  ;; Σ_t v[t]² for t < len, in order from 0 (the L2 penalty; a sequential sum, so scalar).
  (func (export "sumsq") (param $v i32) (param $len i32) (result f64)
    (local $s f64) (local $x f64) (local $end i32)
    (local.set $end (i32.add (local.get $v) (i32.shl (local.get $len) (i32.const 3))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $v) (local.get $end)))
        (local.set $x (f64.load (local.get $v)))
        (local.set $s (f64.add (local.get $s) (f64.mul (local.get $x) (local.get $x))))
        (local.set $v (i32.add (local.get $v) (i32.const 8)))
        (br $l)))
    (local.get $s))

  ;; The input gradient below a one-unit layer (the binary output), as denseBackward writes it: an outer product,
  ;; Dp[i·r + k] = (d[i]·w[k])·(mask[i·r + k] > 0 ? 1 : 0), or d[i]·w[k] without a mask (mask < 0). Lanes over k.
  (func (export "outer_mask") (param $Dp i32) (param $m i32) (param $r i32) (param $d i32) (param $w i32) (param $mask i32)
    (local $i i32) (local $k i32) (local $o i32) (local $dv v128) (local $v v128) (local $r8 i32) (local $x f64)
    (local.set $r8 (i32.shl (local.get $r) (i32.const 3)))
    (block $i_done
      (loop $is
        (br_if $i_done (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $dv (v128.load64_splat (i32.add (local.get $d) (i32.shl (local.get $i) (i32.const 3)))))
        (local.set $o (i32.mul (local.get $i) (local.get $r8)))
        (local.set $k (i32.const 0))
        (block $k_done
          (loop $ks
            (br_if $k_done (i32.gt_s (i32.add (local.get $k) (i32.const 2)) (local.get $r)))
            (local.set $v (f64x2.mul (local.get $dv) (v128.load (i32.add (local.get $w) (i32.shl (local.get $k) (i32.const 3))))))
            (if (i32.ge_s (local.get $mask) (i32.const 0))
              (then (local.set $v (f64x2.mul (local.get $v)
                (v128.and (f64x2.gt (v128.load (i32.add (local.get $mask) (local.get $o))) (v128.const f64x2 0 0)) (v128.const f64x2 1 1))))))
            (v128.store (i32.add (local.get $Dp) (local.get $o)) (local.get $v))
            (local.set $o (i32.add (local.get $o) (i32.const 16)))
            (local.set $k (i32.add (local.get $k) (i32.const 2)))
            (br $ks)))
        (if (i32.lt_s (local.get $k) (local.get $r))
          (then
            (local.set $x (f64.mul (f64x2.extract_lane 0 (local.get $dv)) (f64.load (i32.add (local.get $w) (i32.shl (local.get $k) (i32.const 3))))))
            (if (i32.ge_s (local.get $mask) (i32.const 0))
              (then (local.set $x (f64.mul (local.get $x)
                (select (f64.const 1) (f64.const 0) (f64.gt (f64.load (i32.add (local.get $mask) (local.get $o))) (f64.const 0)))))))
            (f64.store (i32.add (local.get $Dp) (local.get $o)) (local.get $x))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $is))))

  ;; The relu mask of back-propagation over Dp (m×r), as denseBackward applies it: inside its tiles (rows below m
  ;; rounded down to 2, columns below r rounded down to 4) Dp·(mask > 0 ? 1 : 0), elsewhere (mask > 0 ? Dp : 0).
  ;; The two differ for a masked entry only in the sign of a zero and for a NaN.
  (func (export "relu_mask") (param $Dp i32) (param $m i32) (param $r i32) (param $mask i32)
    (local $i i32) (local $k i32) (local $m2 i32) (local $r4 i32) (local $o i32) (local $g v128) (local $v v128)
    (local.set $m2 (i32.and (local.get $m) (i32.const -2)))
    (local.set $r4 (i32.and (local.get $r) (i32.const -4)))
    (block $i_done
      (loop $is
        (br_if $i_done (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $k (i32.const 0))
        (block $k_done
          (loop $ks
            (br_if $k_done (i32.ge_s (local.get $k) (local.get $r)))
            (local.set $o (i32.shl (i32.add (i32.mul (local.get $i) (local.get $r)) (local.get $k)) (i32.const 3)))
            (if (i32.and (i32.lt_s (local.get $i) (local.get $m2)) (i32.lt_s (local.get $k) (local.get $r4)))
              (then
                ;; k and r4 are even here, so the pair k, k+1 lies inside the tile
                (local.set $g (f64x2.gt (v128.load (i32.add (local.get $mask) (local.get $o))) (v128.const f64x2 0 0)))
                (v128.store (i32.add (local.get $Dp) (local.get $o))
                  (f64x2.mul (v128.load (i32.add (local.get $Dp) (local.get $o))) (v128.and (local.get $g) (v128.const f64x2 1 1))))
                (local.set $k (i32.add (local.get $k) (i32.const 2))))
              (else
                (if (i32.eqz (f64.gt (f64.load (i32.add (local.get $mask) (local.get $o))) (f64.const 0)))
                  (then (f64.store (i32.add (local.get $Dp) (local.get $o)) (f64.const 0))))
                (local.set $k (i32.add (local.get $k) (i32.const 1)))))
            (br $ks)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $is))))

  ;; ---------------------------------------------------------------------------------------------------------------
  ;; Matrix–vector products of the linear models' loss pass. References: gemvInto and gemvTInto in
  ;; packages/linalg/src/kernels.ts.
  ;;
  ;; gemv: out[i] = bias + Σ_j X[i, j]·v[j] for i < m, in the reference's grouping: columns in blocks of four,
  ;; out += ((v0·x0 + v1·x1) + v2·x2) + v3·x3, then a pair, then one. X comes transposed, xt[j·ld + i] = X[i, j], so
  ;; that a lane is a row: four rows (two vectors) at a time, rows past m computed from slack and not stored (ld ≥ m
  ;; rounded up to 4).
  ;; ---------------------------------------------------------------------------------------------------------------
  (func (export "gemv") (param $xt i32) (param $ld i32) (param $m i32) (param $p i32) (param $v i32) (param $bias f64) (param $out i32)
    (local $i i32) (local $j i32) (local $c i32) (local $ld8 i32) (local $o i32)
    (local $a0 v128) (local $a1 v128) (local $t0 v128) (local $t1 v128) (local $w v128)
    (local.set $ld8 (i32.shl (local.get $ld) (i32.const 3)))
    (block $rows_done
      (loop $rows
        (br_if $rows_done (i32.ge_s (local.get $i) (local.get $m)))
        (local.set $a0 (f64x2.splat (local.get $bias)))
        (local.set $a1 (local.get $a0))
        (local.set $c (i32.add (local.get $xt) (i32.shl (local.get $i) (i32.const 3))))
        (local.set $j (i32.const 0))
        (block $b4_done
          (loop $b4
            (br_if $b4_done (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $p)))
            (local.set $o (i32.add (local.get $v) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $w (v128.load64_splat (local.get $o)))
            (local.set $t0 (f64x2.mul (local.get $w) (v128.load (local.get $c))))
            (local.set $t1 (f64x2.mul (local.get $w) (v128.load offset=16 (local.get $c))))
            (local.set $c (i32.add (local.get $c) (local.get $ld8)))
            (local.set $w (v128.load64_splat offset=8 (local.get $o)))
            (local.set $t0 (f64x2.add (local.get $t0) (f64x2.mul (local.get $w) (v128.load (local.get $c)))))
            (local.set $t1 (f64x2.add (local.get $t1) (f64x2.mul (local.get $w) (v128.load offset=16 (local.get $c)))))
            (local.set $c (i32.add (local.get $c) (local.get $ld8)))
            (local.set $w (v128.load64_splat offset=16 (local.get $o)))
            (local.set $t0 (f64x2.add (local.get $t0) (f64x2.mul (local.get $w) (v128.load (local.get $c)))))
            (local.set $t1 (f64x2.add (local.get $t1) (f64x2.mul (local.get $w) (v128.load offset=16 (local.get $c)))))
            (local.set $c (i32.add (local.get $c) (local.get $ld8)))
            (local.set $w (v128.load64_splat offset=24 (local.get $o)))
            (local.set $t0 (f64x2.add (local.get $t0) (f64x2.mul (local.get $w) (v128.load (local.get $c)))))
            (local.set $t1 (f64x2.add (local.get $t1) (f64x2.mul (local.get $w) (v128.load offset=16 (local.get $c)))))
            (local.set $c (i32.add (local.get $c) (local.get $ld8)))
            (local.set $a0 (f64x2.add (local.get $a0) (local.get $t0)))
            (local.set $a1 (f64x2.add (local.get $a1) (local.get $t1)))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $b4)))
        (if (i32.le_s (i32.add (local.get $j) (i32.const 2)) (local.get $p))
          (then
            (local.set $o (i32.add (local.get $v) (i32.shl (local.get $j) (i32.const 3))))
            (local.set $w (v128.load64_splat (local.get $o)))
            (local.set $t0 (f64x2.mul (local.get $w) (v128.load (local.get $c))))
            (local.set $t1 (f64x2.mul (local.get $w) (v128.load offset=16 (local.get $c))))
            (local.set $c (i32.add (local.get $c) (local.get $ld8)))
            (local.set $w (v128.load64_splat offset=8 (local.get $o)))
            (local.set $t0 (f64x2.add (local.get $t0) (f64x2.mul (local.get $w) (v128.load (local.get $c)))))
            (local.set $t1 (f64x2.add (local.get $t1) (f64x2.mul (local.get $w) (v128.load offset=16 (local.get $c)))))
            (local.set $c (i32.add (local.get $c) (local.get $ld8)))
            (local.set $a0 (f64x2.add (local.get $a0) (local.get $t0)))
            (local.set $a1 (f64x2.add (local.get $a1) (local.get $t1)))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))))
        (if (i32.lt_s (local.get $j) (local.get $p))
          (then
            (local.set $w (v128.load64_splat (i32.add (local.get $v) (i32.shl (local.get $j) (i32.const 3)))))
            (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $w) (v128.load (local.get $c)))))
            (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $w) (v128.load offset=16 (local.get $c)))))))
        (local.set $o (i32.add (local.get $out) (i32.shl (local.get $i) (i32.const 3))))
        (if (i32.le_s (i32.add (local.get $i) (i32.const 2)) (local.get $m))
          (then (v128.store (local.get $o) (local.get $a0)))
          (else (f64.store (local.get $o) (f64x2.extract_lane 0 (local.get $a0)))))
        (if (i32.le_s (i32.add (local.get $i) (i32.const 4)) (local.get $m))
          (then (v128.store offset=16 (local.get $o) (local.get $a1)))
          (else (if (i32.eq (i32.add (local.get $i) (i32.const 3)) (local.get $m))
            (then (f64.store offset=16 (local.get $o) (f64x2.extract_lane 0 (local.get $a1)))))))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $rows))))

  ;; gemvT: out[j] = Σ_i d[i]·X[i, j] for j < p (X m×p row-major), each a sum from 0 over the rows in order, as the
  ;; reference's accumulators; lanes run over columns, four at a time, then two, then one.
  (func (export "gemvt") (param $x i32) (param $m i32) (param $p i32) (param $d i32) (param $out i32)
    (local $j i32) (local $o i32) (local $e i32) (local $dd i32) (local $p8 i32) (local $s f64)
    (local $u0 v128) (local $u1 v128) (local $di v128)
    (local.set $p8 (i32.shl (local.get $p) (i32.const 3)))
    (local.set $e (i32.add (local.get $d) (i32.shl (local.get $m) (i32.const 3))))
    (block $b4_done
      (loop $b4
        (br_if $b4_done (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $p)))
        (local.set $u0 (v128.const f64x2 0 0))
        (local.set $u1 (v128.const f64x2 0 0))
        (local.set $o (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $dd (local.get $d))
        (block $r_done
          (loop $r
            (br_if $r_done (i32.ge_u (local.get $dd) (local.get $e)))
            (local.set $di (v128.load64_splat (local.get $dd)))
            (local.set $u0 (f64x2.add (local.get $u0) (f64x2.mul (local.get $di) (v128.load (local.get $o)))))
            (local.set $u1 (f64x2.add (local.get $u1) (f64x2.mul (local.get $di) (v128.load offset=16 (local.get $o)))))
            (local.set $o (i32.add (local.get $o) (local.get $p8)))
            (local.set $dd (i32.add (local.get $dd) (i32.const 8)))
            (br $r)))
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))) (local.get $u0))
        (v128.store offset=16 (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))) (local.get $u1))
        (local.set $j (i32.add (local.get $j) (i32.const 4)))
        (br $b4)))
    (if (i32.le_s (i32.add (local.get $j) (i32.const 2)) (local.get $p))
      (then
        (local.set $u0 (v128.const f64x2 0 0))
        (local.set $o (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $dd (local.get $d))
        (block $r2_done
          (loop $r2
            (br_if $r2_done (i32.ge_u (local.get $dd) (local.get $e)))
            (local.set $u0 (f64x2.add (local.get $u0) (f64x2.mul (v128.load64_splat (local.get $dd)) (v128.load (local.get $o)))))
            (local.set $o (i32.add (local.get $o) (local.get $p8)))
            (local.set $dd (i32.add (local.get $dd) (i32.const 8)))
            (br $r2)))
        (v128.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))) (local.get $u0))
        (local.set $j (i32.add (local.get $j) (i32.const 2)))))
    (if (i32.lt_s (local.get $j) (local.get $p))
      (then
        (local.set $s (f64.const 0))
        (local.set $o (i32.add (local.get $x) (i32.shl (local.get $j) (i32.const 3))))
        (local.set $dd (local.get $d))
        (block $r1_done
          (loop $r1
            (br_if $r1_done (i32.ge_u (local.get $dd) (local.get $e)))
            (local.set $s (f64.add (local.get $s) (f64.mul (f64.load (local.get $dd)) (f64.load (local.get $o)))))
            (local.set $o (i32.add (local.get $o) (local.get $p8)))
            (local.set $dd (i32.add (local.get $dd) (i32.const 8)))
            (br $r1)))
        (f64.store (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3))) (local.get $s)))))

  ;; ---------------------------------------------------------------------------------------------------------------
  ;; The binary logistic loss pass. Reference: logLossPassInto in packages/linalg/src/kernels.ts, with
  ;; expNonPositive and log1pUnit of packages/linalg/src/elementary.ts (their constants and series are the same
  ;; numbers, written here in hexadecimal).
  ;;
  ;; The constants live in a table of 33 vector slots in memory ($K, written by $logloss_table at the start of each
  ;; pass; 29 in use, the slots after exp's c11 and log's L6 kept free for longer series): V8 builds a v128.const from
  ;; immediates with three or four instructions every time it is used, while a v128.load from the table is one, and
  ;; exp and log1p use over twenty constants per vector.
  ;; ---------------------------------------------------------------------------------------------------------------
  (func $logloss_table (param $K i32)
    (v128.store offset=0 (local.get $K) (v128.const f64x2 0x1.71547652b82fep+0 0x1.71547652b82fep+0)) ;; log2 e
    (v128.store offset=16 (local.get $K) (v128.const f64x2 0x1.8000000000000p+52 0x1.8000000000000p+52)) ;; 1.5·2^52
    (v128.store offset=32 (local.get $K) (v128.const f64x2 0x1.62e42fee00000p-1 0x1.62e42fee00000p-1)) ;; ln 2, head
    (v128.store offset=48 (local.get $K) (v128.const f64x2 0x1.a39ef35793c76p-33 0x1.a39ef35793c76p-33)) ;; ln 2, tail
    (v128.store offset=64 (local.get $K) (v128.const f64x2 -0x1.6200000000000p+9 -0x1.6200000000000p+9)) ;; exp's cut-off
    (v128.store offset=80 (local.get $K) (v128.const f64x2 0x1.0000000000000p+0 0x1.0000000000000p+0)) ;; exp's c0
    (v128.store offset=96 (local.get $K) (v128.const f64x2 0x1.0000000000000p+0 0x1.0000000000000p+0)) ;; exp's c1
    (v128.store offset=112 (local.get $K) (v128.const f64x2 0x1.0000000000005p-1 0x1.0000000000005p-1)) ;; exp's c2
    (v128.store offset=128 (local.get $K) (v128.const f64x2 0x1.5555555555557p-3 0x1.5555555555557p-3)) ;; exp's c3
    (v128.store offset=144 (local.get $K) (v128.const f64x2 0x1.55555555520afp-5 0x1.55555555520afp-5)) ;; exp's c4
    (v128.store offset=160 (local.get $K) (v128.const f64x2 0x1.11111111100dfp-7 0x1.11111111100dfp-7)) ;; exp's c5
    (v128.store offset=176 (local.get $K) (v128.const f64x2 0x1.6c16c17f43a58p-10 0x1.6c16c17f43a58p-10)) ;; exp's c6
    (v128.store offset=192 (local.get $K) (v128.const f64x2 0x1.a01a01abe62ddp-13 0x1.a01a01abe62ddp-13)) ;; exp's c7
    (v128.store offset=208 (local.get $K) (v128.const f64x2 0x1.a019a66a75dd4p-16 0x1.a019a66a75dd4p-16)) ;; exp's c8
    (v128.store offset=224 (local.get $K) (v128.const f64x2 0x1.71de02375656cp-19 0x1.71de02375656cp-19)) ;; exp's c9
    (v128.store offset=240 (local.get $K) (v128.const f64x2 0x1.28a2c0a7209fbp-22 0x1.28a2c0a7209fbp-22)) ;; exp's c10
    (v128.store offset=256 (local.get $K) (v128.const f64x2 0x1.af4ddd84882fep-26 0x1.af4ddd84882fep-26)) ;; exp's c11
    (v128.store offset=304 (local.get $K) (v128.const f64x2 0x1.5555555555558p-1 0x1.5555555555558p-1)) ;; log's L0
    (v128.store offset=320 (local.get $K) (v128.const f64x2 0x1.99999999952e2p-2 0x1.99999999952e2p-2)) ;; log's L1
    (v128.store offset=336 (local.get $K) (v128.const f64x2 0x1.2492492df148dp-2 0x1.2492492df148dp-2)) ;; log's L2
    (v128.store offset=352 (local.get $K) (v128.const f64x2 0x1.c71c62e5800a1p-3 0x1.c71c62e5800a1p-3)) ;; log's L3
    (v128.store offset=368 (local.get $K) (v128.const f64x2 0x1.7462b4ab2ef6bp-3 0x1.7462b4ab2ef6bp-3)) ;; log's L4
    (v128.store offset=384 (local.get $K) (v128.const f64x2 0x1.39fe606542ddep-3 0x1.39fe606542ddep-3)) ;; log's L5
    (v128.store offset=400 (local.get $K) (v128.const f64x2 0x1.2b584aae78a57p-3 0x1.2b584aae78a57p-3)) ;; log's L6
    (v128.store offset=448 (local.get $K) (v128.const f64x2 0x1.a827999fcef34p-2 0x1.a827999fcef34p-2)) ;; √2 − 1
    (v128.store offset=464 (local.get $K) (v128.const f64x2 0x1.0000000000000p+0 0x1.0000000000000p+0)) ;; 1
    (v128.store offset=480 (local.get $K) (v128.const f64x2 0x1.0000000000000p-1 0x1.0000000000000p-1)) ;; 1/2
    (v128.store offset=496 (local.get $K) (v128.const f64x2 0x1.0000000000000p+1 0x1.0000000000000p+1)) ;; 2
    (v128.store offset=512 (local.get $K) (v128.const i64x2 1023 1023)) ;; the exponent bias
  )

  ;; logloss_pass: rows [i0, i0 + m) of a thread's copy of X, given transposed (xt[j·ld + i] = x_ij; ld ≥ the copy's
  ;; rows rounded up to 4), with y and w indexed by the same rows; θ (p numbers) at $theta. Writes out[0] = Σ ℓ (two
  ;; Neumaier sums, rows at even and at odd offsets from i0, added at the end), out[1 + j] = Σ d·x_ij (j < p) and
  ;; out[1 + p] = Σ d, each the sum of its two lanes. $acc is scratch of loglossScratch(p) = 2·(p + 164) doubles: the
  ;; p sums, the table of 33 constants, four lists of 32 vectors (z, t, ℓ, d of a block) and the three running sums.
  ;; With $first = 0 the sums go on from where the previous call left them, so that rows can be brought in pieces (of
  ;; even lengths: a piece's rows keep their lanes): the outputs are then those of one call over all the pieces.
  ;;
  ;; A vector holds rows i, i + 1. The rows go in blocks of 64, each in five phases — z = bias + x·θ in gemv's
  ;; grouping (blocks of four columns, then a pair, then one); t = e^−|z|; ℓ and d; the loss's and the intercept's
  ;; sums; the coefficients' sums, a few columns at a time — so that each loop's body
  ;; is short and the processor overlaps many of its iterations: done per vector in one go, exp's and log1p's long
  ;; chains of dependent operations ran one or two at a time, at a third of this speed. The sums take the vectors in
  ;; row order either way. When m is odd the last vector's second lane is computed and never added (bitselect keeps
  ;; the old sums); the loops over a block's vectors take those of the sums apart, so that the others need no select.
  ;; Phases 1 and 5 go two vectors at a time, sharing θ's loads in phase 1 and the loop's own work in phase 5 (with
  ;; the last full vector of the sums, ~9 % off the pass on MAGIC).
  (func (export "logloss_pass") (param $xt i32) (param $ld i32) (param $i0 i32) (param $m i32) (param $p i32)
        (param $theta i32) (param $bias f64) (param $y i32) (param $w i32) (param $acc i32) (param $out i32) (param $first i32)
    (local $i i32) (local $e i32) (local $j i32) (local $c i32) (local $o i32) (local $ld8 i32) (local $q i32)
    (local $K i32) (local $zb i32) (local $tb i32) (local $lb i32) (local $db i32) (local $be i32) (local $vo i32) (local $nv i32)
    (local $nf i32) (local $x i32) (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128)
    (local $z v128) (local $t v128) (local $li v128) (local $d v128) (local $keep v128) (local $z2 v128) (local $t2 v128) (local $s v128) (local $d2 v128)
    (local $f v128) (local $fc v128) (local $ft v128) (local $gb v128)
    ;; phase 2's exp, phase 3's log1p and the row's inputs
    (local $ea v128) (local $ekk v128) (local $ek v128) (local $er v128) (local $er2 v128) (local $er4 v128) (local $ep v128)
    (local $yv v128) (local $wv v128) (local $r v128) (local $big v128) (local $lu v128) (local $lf v128) (local $lc v128)
    (local $ls v128) (local $lz v128) (local $lz2 v128) (local $lz4 v128) (local $lR v128) (local $lh v128) (local $lg v128)
    (local.set $ld8 (i32.shl (local.get $ld) (i32.const 3)))
    (local.set $K (i32.add (local.get $acc) (i32.shl (local.get $p) (i32.const 4))))
    (call $logloss_table (local.get $K))
    (local.set $zb (i32.add (local.get $K) (i32.const 528)))
    (local.set $tb (i32.add (local.get $zb) (i32.const 512)))
    (local.set $lb (i32.add (local.get $tb) (i32.const 512)))
    (local.set $db (i32.add (local.get $lb) (i32.const 512)))
    ;; the running sums: from zero on a first call, else as the previous call left them (f, fc, gb after $db's list)
    (if (local.get $first)
      (then
        (local.set $j (i32.const 0))
        (block $zero_done
          (loop $zero
            (br_if $zero_done (i32.ge_s (local.get $j) (local.get $p)))
            (v128.store (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 4))) (v128.const f64x2 0 0))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $zero))))
      (else
        (local.set $f (v128.load offset=512 (local.get $db)))
        (local.set $fc (v128.load offset=528 (local.get $db)))
        (local.set $gb (v128.load offset=544 (local.get $db)))))
    (local.set $e (i32.add (local.get $i0) (local.get $m)))
    (local.set $i (local.get $i0))
    (block $blocks_done
      (loop $blocks
        (br_if $blocks_done (i32.ge_s (local.get $i) (local.get $e)))
        (local.set $be (select (i32.add (local.get $i) (i32.const 64)) (local.get $e)
          (i32.lt_s (i32.add (local.get $i) (i32.const 64)) (local.get $e))))
        ;; phase 1: z of each vector of the block, two vectors (four rows) at a time while the block has them, so that
        ;; each θ_j is loaded once for both (each lane's sum as gemv's: blocks of four columns, then a pair, then one);
        ;; then a last vector alone (the vector's i moves on; restored below)
        (local.set $q (local.get $i))
        (local.set $vo (i32.const 0))
        (block $p1p_done
          (loop $p1p
            (br_if $p1p_done (i32.ge_s (i32.add (local.get $i) (i32.const 2)) (local.get $be)))
            (local.set $z (f64x2.splat (local.get $bias)))
            (local.set $z2 (local.get $z))
            (local.set $c (i32.add (local.get $xt) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $j (i32.const 0))
            (block $d4_done
              (loop $d4
                (br_if $d4_done (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $p)))
                (local.set $o (i32.add (local.get $theta) (i32.shl (local.get $j) (i32.const 3))))
                (local.set $s (v128.load64_splat (local.get $o)))
                (local.set $t (f64x2.mul (local.get $s) (v128.load (local.get $c))))
                (local.set $t2 (f64x2.mul (local.get $s) (v128.load offset=16 (local.get $c))))
                (local.set $c (i32.add (local.get $c) (local.get $ld8)))
                (local.set $s (v128.load64_splat offset=8 (local.get $o)))
                (local.set $t (f64x2.add (local.get $t) (f64x2.mul (local.get $s) (v128.load (local.get $c)))))
                (local.set $t2 (f64x2.add (local.get $t2) (f64x2.mul (local.get $s) (v128.load offset=16 (local.get $c)))))
                (local.set $c (i32.add (local.get $c) (local.get $ld8)))
                (local.set $s (v128.load64_splat offset=16 (local.get $o)))
                (local.set $t (f64x2.add (local.get $t) (f64x2.mul (local.get $s) (v128.load (local.get $c)))))
                (local.set $t2 (f64x2.add (local.get $t2) (f64x2.mul (local.get $s) (v128.load offset=16 (local.get $c)))))
                (local.set $c (i32.add (local.get $c) (local.get $ld8)))
                (local.set $s (v128.load64_splat offset=24 (local.get $o)))
                (local.set $t (f64x2.add (local.get $t) (f64x2.mul (local.get $s) (v128.load (local.get $c)))))
                (local.set $t2 (f64x2.add (local.get $t2) (f64x2.mul (local.get $s) (v128.load offset=16 (local.get $c)))))
                (local.set $c (i32.add (local.get $c) (local.get $ld8)))
                (local.set $z (f64x2.add (local.get $z) (local.get $t)))
                (local.set $z2 (f64x2.add (local.get $z2) (local.get $t2)))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $d4)))
            (if (i32.le_s (i32.add (local.get $j) (i32.const 2)) (local.get $p))
              (then
                (local.set $o (i32.add (local.get $theta) (i32.shl (local.get $j) (i32.const 3))))
                (local.set $s (v128.load64_splat (local.get $o)))
                (local.set $t (f64x2.mul (local.get $s) (v128.load (local.get $c))))
                (local.set $t2 (f64x2.mul (local.get $s) (v128.load offset=16 (local.get $c))))
                (local.set $c (i32.add (local.get $c) (local.get $ld8)))
                (local.set $s (v128.load64_splat offset=8 (local.get $o)))
                (local.set $t (f64x2.add (local.get $t) (f64x2.mul (local.get $s) (v128.load (local.get $c)))))
                (local.set $t2 (f64x2.add (local.get $t2) (f64x2.mul (local.get $s) (v128.load offset=16 (local.get $c)))))
                (local.set $c (i32.add (local.get $c) (local.get $ld8)))
                (local.set $z (f64x2.add (local.get $z) (local.get $t)))
                (local.set $z2 (f64x2.add (local.get $z2) (local.get $t2)))
                (local.set $j (i32.add (local.get $j) (i32.const 2)))))
            (if (i32.lt_s (local.get $j) (local.get $p))
              (then
                (local.set $s (v128.load64_splat (i32.add (local.get $theta) (i32.shl (local.get $j) (i32.const 3)))))
                (local.set $z (f64x2.add (local.get $z) (f64x2.mul (local.get $s) (v128.load (local.get $c)))))
                (local.set $z2 (f64x2.add (local.get $z2) (f64x2.mul (local.get $s) (v128.load offset=16 (local.get $c)))))))
            (v128.store (i32.add (local.get $zb) (local.get $vo)) (local.get $z))
            (v128.store offset=16 (i32.add (local.get $zb) (local.get $vo)) (local.get $z2))
            (local.set $i (i32.add (local.get $i) (i32.const 4)))
            (local.set $vo (i32.add (local.get $vo) (i32.const 32)))
            (br $p1p)))
        (block $p1_done
          (loop $p1
            (br_if $p1_done (i32.ge_s (local.get $i) (local.get $be)))
            (local.set $z (f64x2.splat (local.get $bias)))
            (local.set $c (i32.add (local.get $xt) (i32.shl (local.get $i) (i32.const 3))))
            (local.set $j (i32.const 0))
            (block $b4_done
              (loop $b4
                (br_if $b4_done (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $p)))
                (local.set $o (i32.add (local.get $theta) (i32.shl (local.get $j) (i32.const 3))))
                (local.set $t (f64x2.mul (v128.load64_splat (local.get $o)) (v128.load (local.get $c))))
                (local.set $c (i32.add (local.get $c) (local.get $ld8)))
                (local.set $t (f64x2.add (local.get $t) (f64x2.mul (v128.load64_splat offset=8 (local.get $o)) (v128.load (local.get $c)))))
                (local.set $c (i32.add (local.get $c) (local.get $ld8)))
                (local.set $t (f64x2.add (local.get $t) (f64x2.mul (v128.load64_splat offset=16 (local.get $o)) (v128.load (local.get $c)))))
                (local.set $c (i32.add (local.get $c) (local.get $ld8)))
                (local.set $t (f64x2.add (local.get $t) (f64x2.mul (v128.load64_splat offset=24 (local.get $o)) (v128.load (local.get $c)))))
                (local.set $c (i32.add (local.get $c) (local.get $ld8)))
                (local.set $z (f64x2.add (local.get $z) (local.get $t)))
                (local.set $j (i32.add (local.get $j) (i32.const 4)))
                (br $b4)))
            (if (i32.le_s (i32.add (local.get $j) (i32.const 2)) (local.get $p))
              (then
                (local.set $o (i32.add (local.get $theta) (i32.shl (local.get $j) (i32.const 3))))
                (local.set $t (f64x2.mul (v128.load64_splat (local.get $o)) (v128.load (local.get $c))))
                (local.set $c (i32.add (local.get $c) (local.get $ld8)))
                (local.set $t (f64x2.add (local.get $t) (f64x2.mul (v128.load64_splat offset=8 (local.get $o)) (v128.load (local.get $c)))))
                (local.set $c (i32.add (local.get $c) (local.get $ld8)))
                (local.set $z (f64x2.add (local.get $z) (local.get $t)))
                (local.set $j (i32.add (local.get $j) (i32.const 2)))))
            (if (i32.lt_s (local.get $j) (local.get $p))
              (then
                (local.set $z (f64x2.add (local.get $z)
                  (f64x2.mul (v128.load64_splat (i32.add (local.get $theta) (i32.shl (local.get $j) (i32.const 3)))) (v128.load (local.get $c)))))))
            (v128.store (i32.add (local.get $zb) (local.get $vo)) (local.get $z))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (local.set $vo (i32.add (local.get $vo) (i32.const 16)))
            (br $p1)))
        (local.set $nv (local.get $vo))
        ;; phase 2: t = e^a, a = −|z| ≤ 0 (expNonPositive): k = round(a·log2 e) (by adding and subtracting 1.5·2^52),
        ;; r = (a − k·ln2_hi) − k·ln2_lo, e^r ≈ Σ c_n r^n (n ≤ 11) by Estrin's scheme (c0 + c1·r, c2 + c3·r,
        ;; … then pairs of those with r², then with r⁴, then r⁸: a third of Horner's chain of dependent operations, ~11 %
        ;; off the pass), times 2^k built in the exponent bits: a·log2 e + 1.5·2^52 holds k in the low bits of its own
        ;; (its last 12 bits are k's, two's complement, for |k| < 2^11), so 2^k's bits are (those bits + 1023) << 52,
        ;; two integer operations (converting k to an integer took six, ~3 % of the pass); 0 where a < −708 (the
        ;; reference's cut-off; the bits are then no power of two and unused). A NaN lane stays NaN (the series is NaN).
        ;; Written out here rather than called: V8 does not inline one WebAssembly function into another, and the call
        ;; cost ~6 % of the pass.
        (local.set $vo (i32.const 0))
        (block $p2_done
          (loop $p2
            (br_if $p2_done (i32.ge_s (local.get $vo) (local.get $nv)))
            (local.set $ea (f64x2.neg (f64x2.abs (v128.load (i32.add (local.get $zb) (local.get $vo))))))
            (local.set $ekk (f64x2.add (f64x2.mul (local.get $ea) (v128.load offset=0 (local.get $K))) (v128.load offset=16 (local.get $K))))
            (local.set $ek (f64x2.sub (local.get $ekk) (v128.load offset=16 (local.get $K))))
            (local.set $er (f64x2.sub (f64x2.sub (local.get $ea) (f64x2.mul (local.get $ek) (v128.load offset=32 (local.get $K)))) (f64x2.mul (local.get $ek) (v128.load offset=48 (local.get $K)))))
            (local.set $er2 (f64x2.mul (local.get $er) (local.get $er)))
            (local.set $er4 (f64x2.mul (local.get $er2) (local.get $er2)))
            (local.set $ep
              (f64x2.add
                (f64x2.add (f64x2.add (f64x2.add (v128.load offset=80 (local.get $K)) (f64x2.mul (v128.load offset=96 (local.get $K)) (local.get $er))) (f64x2.mul (f64x2.add (v128.load offset=112 (local.get $K)) (f64x2.mul (v128.load offset=128 (local.get $K)) (local.get $er))) (local.get $er2)))
                           (f64x2.mul (f64x2.add (f64x2.add (v128.load offset=144 (local.get $K)) (f64x2.mul (v128.load offset=160 (local.get $K)) (local.get $er))) (f64x2.mul (f64x2.add (v128.load offset=176 (local.get $K)) (f64x2.mul (v128.load offset=192 (local.get $K)) (local.get $er))) (local.get $er2))) (local.get $er4)))
                (f64x2.mul
                  (f64x2.add (f64x2.add (v128.load offset=208 (local.get $K)) (f64x2.mul (v128.load offset=224 (local.get $K)) (local.get $er))) (f64x2.mul (f64x2.add (v128.load offset=240 (local.get $K)) (f64x2.mul (v128.load offset=256 (local.get $K)) (local.get $er))) (local.get $er2)))
                  (f64x2.mul (local.get $er4) (local.get $er4)))))
            (v128.store (i32.add (local.get $tb) (local.get $vo))
              (v128.bitselect
                (v128.const f64x2 0 0)
                (f64x2.mul (local.get $ep)
                  (i64x2.shl (i64x2.add (local.get $ekk) (v128.load offset=512 (local.get $K)))
                             (i32.const 52)))
                (f64x2.lt (local.get $ea) (v128.load offset=64 (local.get $K)))))
            (local.set $vo (i32.add (local.get $vo) (i32.const 16)))
            (br $p2)))
        ;; phase 3: ℓ and d of each vector from z, t = e^−|z|, the labels y (0 or 1) and the weights w: r = 1/(1 + t),
        ;; σ = r where z ≥ 0 else t·r, ℓ = w·((max(z, 0) + log1p(t)) − y·z), d = w·(σ − y); both +0 where w = 0.
        ;; log1p(t) for 0 ≤ t ≤ 1 (log1pUnit): 1 + t = 2^k (1 + f), k = 1 where t > √2 − 1 (then f = (1+t)/2 − 1 and
        ;; c = (t − ((1+t) − 1))·r puts back the rounding of 1 + t), else k = 0, f = t, c = 0; s = f/(2+f), z = s²,
        ;; R = z·Σ L_n z^n (n ≤ 6, by Estrin's scheme in z as in phase 2), h = f²/2:
        ;; log1p(t) = k·ln2_hi + (f − (h − (s·(h + R) + (k·ln2_lo + c)))). Written out, as phase 2's exp.
        (local.set $i (local.get $q))
        (local.set $vo (i32.const 0))
        (block $p3_done
          (loop $p3
            (br_if $p3_done (i32.ge_s (local.get $vo) (local.get $nv)))
            (local.set $o (i32.shl (local.get $i) (i32.const 3)))
            (local.set $z (v128.load (i32.add (local.get $zb) (local.get $vo))))
            (local.set $t (v128.load (i32.add (local.get $tb) (local.get $vo))))
            (local.set $yv (v128.load (i32.add (local.get $y) (local.get $o))))
            (local.set $wv (v128.load (i32.add (local.get $w) (local.get $o))))
            (local.set $r (f64x2.div (v128.load offset=464 (local.get $K)) (f64x2.add (v128.load offset=464 (local.get $K)) (local.get $t))))
            ;; log1p(t) into $lg
            (local.set $big (f64x2.gt (local.get $t) (v128.load offset=448 (local.get $K))))
            (local.set $lu (f64x2.add (v128.load offset=464 (local.get $K)) (local.get $t)))
            (local.set $lf (v128.bitselect
              (f64x2.sub (f64x2.mul (local.get $lu) (v128.load offset=480 (local.get $K))) (v128.load offset=464 (local.get $K)))
              (local.get $t)
              (local.get $big)))
            (local.set $lc (v128.and
              (f64x2.mul (f64x2.sub (local.get $t) (f64x2.sub (local.get $lu) (v128.load offset=464 (local.get $K)))) (local.get $r))
              (local.get $big)))
            (local.set $ls (f64x2.div (local.get $lf) (f64x2.add (v128.load offset=496 (local.get $K)) (local.get $lf))))
            (local.set $lz (f64x2.mul (local.get $ls) (local.get $ls)))
            (local.set $lz2 (f64x2.mul (local.get $lz) (local.get $lz)))
            (local.set $lz4 (f64x2.mul (local.get $lz2) (local.get $lz2)))
            (local.set $lR
              (f64x2.mul (local.get $lz)
                (f64x2.add
                  (f64x2.add (f64x2.add (v128.load offset=304 (local.get $K)) (f64x2.mul (v128.load offset=320 (local.get $K)) (local.get $lz))) (f64x2.mul (f64x2.add (v128.load offset=336 (local.get $K)) (f64x2.mul (v128.load offset=352 (local.get $K)) (local.get $lz))) (local.get $lz2)))
                  (f64x2.mul (f64x2.add (f64x2.add (v128.load offset=368 (local.get $K)) (f64x2.mul (v128.load offset=384 (local.get $K)) (local.get $lz))) (f64x2.mul (v128.load offset=400 (local.get $K)) (local.get $lz2))) (local.get $lz4)))))
            (local.set $lh (f64x2.mul (f64x2.mul (v128.load offset=480 (local.get $K)) (local.get $lf)) (local.get $lf)))
            (local.set $lg
              (f64x2.add
                (v128.and (v128.load offset=32 (local.get $K)) (local.get $big))
                (f64x2.sub (local.get $lf)
                  (f64x2.sub (local.get $lh)
                    (f64x2.add (f64x2.mul (local.get $ls) (f64x2.add (local.get $lh) (local.get $lR)))
                               (f64x2.add (v128.and (v128.load offset=48 (local.get $K)) (local.get $big)) (local.get $lc)))))))
            ;; ℓ and d, kept where w ≠ 0
            (local.set $keep (f64x2.ne (local.get $wv) (v128.const f64x2 0 0)))
            (v128.store (i32.add (local.get $lb) (local.get $vo))
              (v128.and (local.get $keep)
                (f64x2.mul (local.get $wv)
                  (f64x2.sub
                    (f64x2.add (v128.and (local.get $z) (f64x2.gt (local.get $z) (v128.const f64x2 0 0))) (local.get $lg))
                    (f64x2.mul (local.get $yv) (local.get $z))))))
            (v128.store (i32.add (local.get $db) (local.get $vo))
              (v128.and (local.get $keep)
                (f64x2.mul (local.get $wv)
                  (f64x2.sub
                    (v128.bitselect (local.get $r) (f64x2.mul (local.get $t) (local.get $r)) (f64x2.ge (local.get $z) (v128.const f64x2 0 0)))
                    (local.get $yv)))))
            (local.set $i (i32.add (local.get $i) (i32.const 2)))
            (local.set $vo (i32.add (local.get $vo) (i32.const 16)))
            (br $p3)))
        ;; phase 4: the loss and intercept sums, vector by vector in row order; $nf is the bytes of the block's full
        ;; vectors (both lanes rows), $nv of all: when m is odd the last vector's second lane is no row, and that vector
        ;; adds its first lane only (bitselect keeps the old sums in the second)
        (local.set $nf (i32.shl (i32.shr_s (i32.sub (local.get $be) (local.get $q)) (i32.const 1)) (i32.const 4)))
        (local.set $vo (i32.const 0))
        (block $p4_done
          (loop $p4
            (br_if $p4_done (i32.ge_s (local.get $vo) (local.get $nf)))
            (local.set $li (v128.load (i32.add (local.get $lb) (local.get $vo))))
            (local.set $ft (f64x2.add (local.get $f) (local.get $li)))
            (local.set $fc (f64x2.add (local.get $fc)
              (v128.bitselect
                (f64x2.add (f64x2.sub (local.get $f) (local.get $ft)) (local.get $li))
                (f64x2.add (f64x2.sub (local.get $li) (local.get $ft)) (local.get $f))
                (f64x2.ge (f64x2.abs (local.get $f)) (f64x2.abs (local.get $li))))))
            (local.set $f (local.get $ft))
            (local.set $gb (f64x2.add (local.get $gb) (v128.load (i32.add (local.get $db) (local.get $vo)))))
            (local.set $vo (i32.add (local.get $vo) (i32.const 16)))
            (br $p4)))
        (if (i32.lt_s (local.get $vo) (local.get $nv))
          (then
            (local.set $li (v128.load (i32.add (local.get $lb) (local.get $vo))))
            (local.set $d (v128.load (i32.add (local.get $db) (local.get $vo))))
            (local.set $ft (f64x2.add (local.get $f) (local.get $li)))
            (local.set $fc (v128.bitselect
              (f64x2.add (local.get $fc)
                (v128.bitselect
                  (f64x2.add (f64x2.sub (local.get $f) (local.get $ft)) (local.get $li))
                  (f64x2.add (f64x2.sub (local.get $li) (local.get $ft)) (local.get $f))
                  (f64x2.ge (f64x2.abs (local.get $f)) (f64x2.abs (local.get $li)))))
              (local.get $fc)
              (v128.const i64x2 -1 0)))
            (local.set $f (v128.bitselect (local.get $ft) (local.get $f) (v128.const i64x2 -1 0)))
            (local.set $gb (v128.bitselect (f64x2.add (local.get $gb) (local.get $d)) (local.get $gb) (v128.const i64x2 -1 0)))))
        ;; phase 5: acc_j += d·x_j over the block's vectors in row order, four columns at a time (then two, then one)
        ;; with their sums in registers; a last half vector ($nf to $nv) adds its first lane only
        (local.set $j (i32.const 0))
        (block $c4_done
          (loop $c4
            (br_if $c4_done (i32.gt_s (i32.add (local.get $j) (i32.const 4)) (local.get $p)))
            (local.set $c (i32.add (local.get $xt) (i32.add (i32.mul (local.get $j) (local.get $ld8)) (i32.shl (local.get $q) (i32.const 3)))))
            (local.set $o (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 4))))
            (local.set $a0 (v128.load offset=0 (local.get $o)))
            (local.set $a1 (v128.load offset=16 (local.get $o)))
            (local.set $a2 (v128.load offset=32 (local.get $o)))
            (local.set $a3 (v128.load offset=48 (local.get $o)))
            (local.set $vo (i32.const 0))
            ;; two vectors at a time (each sum still takes them in row order), then a last full one
            (block $w4_done
              (loop $w4
                (br_if $w4_done (i32.ge_s (i32.add (local.get $vo) (i32.const 16)) (local.get $nf)))
                (local.set $d (v128.load (i32.add (local.get $db) (local.get $vo))))
                (local.set $d2 (v128.load offset=16 (i32.add (local.get $db) (local.get $vo))))
                (local.set $x (i32.add (local.get $c) (local.get $vo)))
                (local.set $a0 (f64x2.add (f64x2.add (local.get $a0) (f64x2.mul (local.get $d) (v128.load (local.get $x))))
                                    (f64x2.mul (local.get $d2) (v128.load offset=16 (local.get $x)))))
                (local.set $x (i32.add (local.get $x) (local.get $ld8)))
                (local.set $a1 (f64x2.add (f64x2.add (local.get $a1) (f64x2.mul (local.get $d) (v128.load (local.get $x))))
                                    (f64x2.mul (local.get $d2) (v128.load offset=16 (local.get $x)))))
                (local.set $x (i32.add (local.get $x) (local.get $ld8)))
                (local.set $a2 (f64x2.add (f64x2.add (local.get $a2) (f64x2.mul (local.get $d) (v128.load (local.get $x))))
                                    (f64x2.mul (local.get $d2) (v128.load offset=16 (local.get $x)))))
                (local.set $x (i32.add (local.get $x) (local.get $ld8)))
                (local.set $a3 (f64x2.add (f64x2.add (local.get $a3) (f64x2.mul (local.get $d) (v128.load (local.get $x))))
                                    (f64x2.mul (local.get $d2) (v128.load offset=16 (local.get $x)))))
                (local.set $vo (i32.add (local.get $vo) (i32.const 32)))
                (br $w4)))
            (block $v4_done
              (loop $v4
                (br_if $v4_done (i32.ge_s (local.get $vo) (local.get $nf)))
                (local.set $d (v128.load (i32.add (local.get $db) (local.get $vo))))
                (local.set $x (i32.add (local.get $c) (local.get $vo)))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $d) (v128.load (local.get $x)))))
                (local.set $x (i32.add (local.get $x) (local.get $ld8)))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $d) (v128.load (local.get $x)))))
                (local.set $x (i32.add (local.get $x) (local.get $ld8)))
                (local.set $a2 (f64x2.add (local.get $a2) (f64x2.mul (local.get $d) (v128.load (local.get $x)))))
                (local.set $x (i32.add (local.get $x) (local.get $ld8)))
                (local.set $a3 (f64x2.add (local.get $a3) (f64x2.mul (local.get $d) (v128.load (local.get $x)))))
                (local.set $vo (i32.add (local.get $vo) (i32.const 16)))
                (br $v4)))
            (if (i32.lt_s (local.get $vo) (local.get $nv))
              (then
                (local.set $d (v128.load (i32.add (local.get $db) (local.get $vo))))
                (local.set $x (i32.add (local.get $c) (local.get $vo)))
                (local.set $a0 (v128.bitselect (f64x2.add (local.get $a0) (f64x2.mul (local.get $d) (v128.load (local.get $x)))) (local.get $a0) (v128.const i64x2 -1 0)))
                (local.set $x (i32.add (local.get $x) (local.get $ld8)))
                (local.set $a1 (v128.bitselect (f64x2.add (local.get $a1) (f64x2.mul (local.get $d) (v128.load (local.get $x)))) (local.get $a1) (v128.const i64x2 -1 0)))
                (local.set $x (i32.add (local.get $x) (local.get $ld8)))
                (local.set $a2 (v128.bitselect (f64x2.add (local.get $a2) (f64x2.mul (local.get $d) (v128.load (local.get $x)))) (local.get $a2) (v128.const i64x2 -1 0)))
                (local.set $x (i32.add (local.get $x) (local.get $ld8)))
                (local.set $a3 (v128.bitselect (f64x2.add (local.get $a3) (f64x2.mul (local.get $d) (v128.load (local.get $x)))) (local.get $a3) (v128.const i64x2 -1 0)))))
            (v128.store offset=0 (local.get $o) (local.get $a0))
            (v128.store offset=16 (local.get $o) (local.get $a1))
            (v128.store offset=32 (local.get $o) (local.get $a2))
            (v128.store offset=48 (local.get $o) (local.get $a3))
            (local.set $j (i32.add (local.get $j) (i32.const 4)))
            (br $c4)))
        (block $c2_done
          (loop $c2
            (br_if $c2_done (i32.gt_s (i32.add (local.get $j) (i32.const 2)) (local.get $p)))
            (local.set $c (i32.add (local.get $xt) (i32.add (i32.mul (local.get $j) (local.get $ld8)) (i32.shl (local.get $q) (i32.const 3)))))
            (local.set $o (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 4))))
            (local.set $a0 (v128.load offset=0 (local.get $o)))
            (local.set $a1 (v128.load offset=16 (local.get $o)))
            (local.set $vo (i32.const 0))
            (block $v2_done
              (loop $v2
                (br_if $v2_done (i32.ge_s (local.get $vo) (local.get $nf)))
                (local.set $d (v128.load (i32.add (local.get $db) (local.get $vo))))
                (local.set $x (i32.add (local.get $c) (local.get $vo)))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $d) (v128.load (local.get $x)))))
                (local.set $x (i32.add (local.get $x) (local.get $ld8)))
                (local.set $a1 (f64x2.add (local.get $a1) (f64x2.mul (local.get $d) (v128.load (local.get $x)))))
                (local.set $vo (i32.add (local.get $vo) (i32.const 16)))
                (br $v2)))
            (if (i32.lt_s (local.get $vo) (local.get $nv))
              (then
                (local.set $d (v128.load (i32.add (local.get $db) (local.get $vo))))
                (local.set $x (i32.add (local.get $c) (local.get $vo)))
                (local.set $a0 (v128.bitselect (f64x2.add (local.get $a0) (f64x2.mul (local.get $d) (v128.load (local.get $x)))) (local.get $a0) (v128.const i64x2 -1 0)))
                (local.set $x (i32.add (local.get $x) (local.get $ld8)))
                (local.set $a1 (v128.bitselect (f64x2.add (local.get $a1) (f64x2.mul (local.get $d) (v128.load (local.get $x)))) (local.get $a1) (v128.const i64x2 -1 0)))))
            (v128.store offset=0 (local.get $o) (local.get $a0))
            (v128.store offset=16 (local.get $o) (local.get $a1))
            (local.set $j (i32.add (local.get $j) (i32.const 2)))
            (br $c2)))
        (block $c1_done
          (loop $c1
            (br_if $c1_done (i32.gt_s (i32.add (local.get $j) (i32.const 1)) (local.get $p)))
            (local.set $c (i32.add (local.get $xt) (i32.add (i32.mul (local.get $j) (local.get $ld8)) (i32.shl (local.get $q) (i32.const 3)))))
            (local.set $o (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 4))))
            (local.set $a0 (v128.load offset=0 (local.get $o)))
            (local.set $vo (i32.const 0))
            (block $v1_done
              (loop $v1
                (br_if $v1_done (i32.ge_s (local.get $vo) (local.get $nf)))
                (local.set $d (v128.load (i32.add (local.get $db) (local.get $vo))))
                (local.set $x (i32.add (local.get $c) (local.get $vo)))
                (local.set $a0 (f64x2.add (local.get $a0) (f64x2.mul (local.get $d) (v128.load (local.get $x)))))
                (local.set $vo (i32.add (local.get $vo) (i32.const 16)))
                (br $v1)))
            (if (i32.lt_s (local.get $vo) (local.get $nv))
              (then
                (local.set $d (v128.load (i32.add (local.get $db) (local.get $vo))))
                (local.set $x (i32.add (local.get $c) (local.get $vo)))
                (local.set $a0 (v128.bitselect (f64x2.add (local.get $a0) (f64x2.mul (local.get $d) (v128.load (local.get $x)))) (local.get $a0) (v128.const i64x2 -1 0)))))
            (v128.store offset=0 (local.get $o) (local.get $a0))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $c1)))
        (br $blocks)))
    (v128.store offset=512 (local.get $db) (local.get $f))
    (v128.store offset=528 (local.get $db) (local.get $fc))
    (v128.store offset=544 (local.get $db) (local.get $gb))
    (f64.store (local.get $out)
      (f64.add (f64.add (f64x2.extract_lane 0 (local.get $f)) (f64x2.extract_lane 0 (local.get $fc)))
               (f64.add (f64x2.extract_lane 1 (local.get $f)) (f64x2.extract_lane 1 (local.get $fc)))))
    (local.set $j (i32.const 0))
    (block $out_done
      (loop $outs
        (br_if $out_done (i32.ge_s (local.get $j) (local.get $p)))
        (local.set $t (v128.load (i32.add (local.get $acc) (i32.shl (local.get $j) (i32.const 4)))))
        (f64.store offset=8 (i32.add (local.get $out) (i32.shl (local.get $j) (i32.const 3)))
          (f64.add (f64x2.extract_lane 0 (local.get $t)) (f64x2.extract_lane 1 (local.get $t))))
        (local.set $j (i32.add (local.get $j) (i32.const 1)))
        (br $outs)))
    (f64.store offset=8 (i32.add (local.get $out) (i32.shl (local.get $p) (i32.const 3)))
      (f64.add (f64x2.extract_lane 0 (local.get $gb)) (f64x2.extract_lane 1 (local.get $gb)))))

  ;; ---------------------------------------------------------------------------------------------------------------
  ;; The machine's vector peak, for the benchmark's "fraction of peak": `iters` rounds of 10 independent chains, 5 of
  ;; f64x2.mul and 5 of f64x2.add (the instructions the kernels use; 2 flops per instruction), so that neither latency
  ;; nor a dependency limits the rate (of the mixes tried on the development machine — 6+6, 8+6, 7+7, 4+8, 8+4, 10
  ;; multiplies, 10 adds — this one was the fastest: more chains than registers spill). Returns a sum of the chains
  ;; so that none is optimised away.
  ;; ---------------------------------------------------------------------------------------------------------------
  (func (export "peak_muladd") (param $iters i32) (result f64)
    (local $m0 v128) (local $m1 v128) (local $m2 v128) (local $m3 v128) (local $m4 v128)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $a4 v128)
    (local $f v128) (local $d v128) (local $s v128)
    (local.set $f (v128.const f64x2 0.9999999 1.0000001))
    (local.set $d (v128.const f64x2 1e-9 -1e-9))
    (local.set $m0 (v128.const f64x2 1 1)) (local.set $m1 (v128.const f64x2 1 1)) (local.set $m2 (v128.const f64x2 1 1))
    (local.set $m3 (v128.const f64x2 1 1)) (local.set $m4 (v128.const f64x2 1 1))
    (block $done
      (loop $l
        (br_if $done (i32.le_s (local.get $iters) (i32.const 0)))
        (local.set $m0 (f64x2.mul (local.get $m0) (local.get $f)))
        (local.set $a0 (f64x2.add (local.get $a0) (local.get $d)))
        (local.set $m1 (f64x2.mul (local.get $m1) (local.get $f)))
        (local.set $a1 (f64x2.add (local.get $a1) (local.get $d)))
        (local.set $m2 (f64x2.mul (local.get $m2) (local.get $f)))
        (local.set $a2 (f64x2.add (local.get $a2) (local.get $d)))
        (local.set $m3 (f64x2.mul (local.get $m3) (local.get $f)))
        (local.set $a3 (f64x2.add (local.get $a3) (local.get $d)))
        (local.set $m4 (f64x2.mul (local.get $m4) (local.get $f)))
        (local.set $a4 (f64x2.add (local.get $a4) (local.get $d)))
        (local.set $iters (i32.sub (local.get $iters) (i32.const 1)))
        (br $l)))
    (local.set $s (f64x2.add (f64x2.add (f64x2.add (local.get $m0) (local.get $m1)) (f64x2.add (local.get $m2) (local.get $m3)))
                             (f64x2.add (f64x2.add (local.get $m4) (local.get $a0)) (f64x2.add (local.get $a1) (local.get $a2)))))
    (local.set $s (f64x2.add (local.get $s) (f64x2.add (local.get $a3) (local.get $a4))))
    (f64.add (f64x2.extract_lane 0 (local.get $s)) (f64x2.extract_lane 1 (local.get $s))))
)
