;; The scan behind scanJson (verify.ts), compiled into jsonScan.generated.ts: see jsonScan.ts.
;;
;; scan(n, maxDepth) reads the n bytes at address 0, followed by at least 64 zero bytes, and
;; returns -1 as soon as arrays and objects nest deeper than maxDepth outside strings, else the
;; number of quote and backslash bytes escaping the text once more as a JSON string adds. The
;; result is, for every input, that of this byte-by-byte walk (the scalar loop below is it):
;;   outside a string: `"` opens one (+1); `[` `{` add a level, `]` `}` remove one;
;;   inside: `"` closes it (+1); `\` takes the next byte with it (+1, +2 when that byte is `"` or `\`);
;;   an input that ends inside a string counts one more, for the quote a writer would close it with.
;; Most 64-byte blocks are taken whole with SIMD (https://webassembly.github.io/spec/core/syntax/instructions.html#vector-instructions):
;; one bit per byte for quotes and brackets, the string state from the running XOR of the quote
;; bits, as in simdjson's first stage (Langdale and Lemire, https://arxiv.org/abs/1902.08318). Blocks with a
;; backslash are walked byte by byte, as an escaped quote does not toggle the state; so are the
;; brackets of a block that could reach maxDepth. Every loop moves forward, so the work is linear;
;; `work` counts the iterations of the last scan for the tests that bound it.
(module
  (memory (export "memory") 1)
  (global $work (export "work") (mut i32) (i32.const 0))
  (func (export "scan") (param $n i32) (param $maxDepth i32) (result i32)
    (local $pos i32) (local $end i32) (local $c i32) (local $next i32)
    (local $depth i32) (local $escapes i32) (local $opens i32) (local $work i32)
    ;; all ones inside a string, else zero: the state carried from one block to the next
    (local $inString i64)
    (local $quotes i64) (local $strings i64) (local $openBits i64) (local $closeBits i64) (local $bits i64)
    (local $v0 v128) (local $v1 v128) (local $v2 v128) (local $v3 v128)
    (block $done
      (loop $blocks
        (br_if $done (i32.ge_u (local.get $pos) (local.get $n)))
        (local.set $work (i32.add (local.get $work) (i32.const 1)))
        (local.set $v0 (v128.load offset=0 (local.get $pos)))
        (local.set $v1 (v128.load offset=16 (local.get $pos)))
        (local.set $v2 (v128.load offset=32 (local.get $pos)))
        (local.set $v3 (v128.load offset=48 (local.get $pos)))

        ;; A backslash (0x5c) anywhere in the block: the block byte by byte. The walk can end one
        ;; byte past the block, when its last byte escapes the next one; past the text it reads the
        ;; zero padding, which changes nothing.
        (if (v128.any_true
              (v128.or
                (v128.or (i8x16.eq (local.get $v0) (v128.const i8x16 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c))
                         (i8x16.eq (local.get $v1) (v128.const i8x16 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c)))
                (v128.or (i8x16.eq (local.get $v2) (v128.const i8x16 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c))
                         (i8x16.eq (local.get $v3) (v128.const i8x16 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c 0x5c)))))
          (then
            (local.set $end (i32.add (local.get $pos) (i32.const 64)))
            (block $walked
              (loop $bytes
                (br_if $walked (i32.ge_u (local.get $pos) (local.get $end)))
                (local.set $work (i32.add (local.get $work) (i32.const 1)))
                (local.set $c (i32.load8_u (local.get $pos)))
                (local.set $pos (i32.add (local.get $pos) (i32.const 1)))
                (if (i64.eqz (local.get $inString))
                  (then
                    (if (i32.eq (local.get $c) (i32.const 0x22))
                      (then
                        (local.set $inString (i64.const -1))
                        (local.set $escapes (i32.add (local.get $escapes) (i32.const 1))))
                      (else
                        ;; byte | 0x20 is { (0x7b) for [ and { only, } (0x7d) for ] and } only
                        (if (i32.eq (i32.or (local.get $c) (i32.const 0x20)) (i32.const 0x7b))
                          (then
                            (local.set $depth (i32.add (local.get $depth) (i32.const 1)))
                            (if (i32.gt_s (local.get $depth) (local.get $maxDepth))
                              (then (global.set $work (local.get $work)) (return (i32.const -1)))))
                          (else
                            (if (i32.eq (i32.or (local.get $c) (i32.const 0x20)) (i32.const 0x7d))
                              (then (local.set $depth (i32.sub (local.get $depth) (i32.const 1))))))))))
                  (else
                    (if (i32.eq (local.get $c) (i32.const 0x22))
                      (then
                        (local.set $inString (i64.const 0))
                        (local.set $escapes (i32.add (local.get $escapes) (i32.const 1))))
                      (else
                        (if (i32.eq (local.get $c) (i32.const 0x5c))
                          (then
                            (local.set $next (i32.load8_u (local.get $pos)))
                            (local.set $pos (i32.add (local.get $pos) (i32.const 1)))
                            (local.set $escapes (i32.add (local.get $escapes)
                              (i32.add (i32.const 1)
                                (i32.or (i32.eq (local.get $next) (i32.const 0x22)) (i32.eq (local.get $next) (i32.const 0x5c))))))))))))
                (br $bytes)))
            (br $blocks)))

        ;; One bit per quote (bit i for byte pos + i), each of them toggling the string state.
        (local.set $quotes (i64.or
          (i64.or (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v0) (v128.const i8x16 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22))))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v1) (v128.const i8x16 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22)))) (i64.const 16)))
          (i64.or (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v2) (v128.const i8x16 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22)))) (i64.const 32))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v3) (v128.const i8x16 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22 0x22)))) (i64.const 48)))))
        (local.set $escapes (i32.add (local.get $escapes) (i32.wrap_i64 (i64.popcnt (local.get $quotes)))))
        ;; Bit i of the running XOR is set when an odd number of quotes is at or before byte i:
        ;; flipped by the state the block starts in, the bits of the bytes inside strings.
        (local.set $strings (i64.xor (local.get $quotes) (i64.shl (local.get $quotes) (i64.const 1))))
        (local.set $strings (i64.xor (local.get $strings) (i64.shl (local.get $strings) (i64.const 2))))
        (local.set $strings (i64.xor (local.get $strings) (i64.shl (local.get $strings) (i64.const 4))))
        (local.set $strings (i64.xor (local.get $strings) (i64.shl (local.get $strings) (i64.const 8))))
        (local.set $strings (i64.xor (local.get $strings) (i64.shl (local.get $strings) (i64.const 16))))
        (local.set $strings (i64.xor (local.get $strings) (i64.shl (local.get $strings) (i64.const 32))))
        (local.set $strings (i64.xor (local.get $strings) (local.get $inString)))
        (local.set $inString (i64.shr_s (local.get $strings) (i64.const 63)))

        ;; Brackets outside strings, as in the byte walk: byte | 0x20 is { or }.
        (local.set $v0 (v128.or (local.get $v0) (v128.const i8x16 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20)))
        (local.set $v1 (v128.or (local.get $v1) (v128.const i8x16 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20)))
        (local.set $v2 (v128.or (local.get $v2) (v128.const i8x16 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20)))
        (local.set $v3 (v128.or (local.get $v3) (v128.const i8x16 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20 0x20)))
        (local.set $openBits (i64.and (i64.xor (local.get $strings) (i64.const -1)) (i64.or
          (i64.or (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v0) (v128.const i8x16 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b))))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v1) (v128.const i8x16 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b)))) (i64.const 16)))
          (i64.or (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v2) (v128.const i8x16 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b)))) (i64.const 32))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v3) (v128.const i8x16 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b 0x7b)))) (i64.const 48))))))
        (local.set $closeBits (i64.and (i64.xor (local.get $strings) (i64.const -1)) (i64.or
          (i64.or (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v0) (v128.const i8x16 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d))))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v1) (v128.const i8x16 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d)))) (i64.const 16)))
          (i64.or (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v2) (v128.const i8x16 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d)))) (i64.const 32))
                  (i64.shl (i64.extend_i32_u (i8x16.bitmask (i8x16.eq (local.get $v3) (v128.const i8x16 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d 0x7d)))) (i64.const 48))))))
        (local.set $opens (i32.wrap_i64 (i64.popcnt (local.get $openBits))))
        (if (i32.gt_s (i32.add (local.get $depth) (local.get $opens)) (local.get $maxDepth))
          (then
            ;; The block might go deeper than allowed: its brackets one at a time, in order.
            (local.set $bits (i64.or (local.get $openBits) (local.get $closeBits)))
            (block $counted
              (loop $brackets
                (br_if $counted (i64.eqz (local.get $bits)))
                (local.set $work (i32.add (local.get $work) (i32.const 1)))
                ;; bits & -bits: the lowest bit, the first bracket left
                (if (i64.eqz (i64.and (local.get $openBits) (i64.and (local.get $bits) (i64.sub (i64.const 0) (local.get $bits)))))
                  (then (local.set $depth (i32.sub (local.get $depth) (i32.const 1))))
                  (else
                    (local.set $depth (i32.add (local.get $depth) (i32.const 1)))
                    (if (i32.gt_s (local.get $depth) (local.get $maxDepth))
                      (then (global.set $work (local.get $work)) (return (i32.const -1))))))
                (local.set $bits (i64.and (local.get $bits) (i64.sub (local.get $bits) (i64.const 1))))
                (br $brackets))))
          (else
            (local.set $depth (i32.sub (i32.add (local.get $depth) (local.get $opens))
                                       (i32.wrap_i64 (i64.popcnt (local.get $closeBits)))))))
        (local.set $pos (i32.add (local.get $pos) (i32.const 64)))
        (br $blocks)))
    (global.set $work (local.get $work))
    ;; an unterminated string: one more, as the byte walk counts two for every string
    (i32.add (local.get $escapes) (i32.wrap_i64 (i64.and (local.get $inString) (i64.const 1))))))
