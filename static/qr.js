// A small QR code encoder for the BankID waiting page, written for Kundwebben: the page
// draws BankID's animated QR code itself from the `qrData` the portal sends each second
// (never the QR secret), instead of loading a new image every second.
//
// What it makes (ISO/IEC 18004): one segment in byte mode (UTF-8), error correction level L
// (as the portal's server-drawn fallback image), the smallest version 1–40 that holds the
// text, Reed–Solomon blocks interleaved, all eight masks tried and the one with the lowest
// penalty kept (the four penalty rules of the standard; a tie keeps the lower mask number),
// format information, and version information from version 7.
//
// window.KundwebbenQr:
//   encode(text, mask?) → { version, size, mask, modules }  modules: Uint8Array, row by row,
//                                                           1 = dark; `mask` forces a mask
//   draw(container, text, label) → the <svg role="img"> put into `container` (replacing
//                                  what was there), named by `label`; it carries the text
//                                  it shows in data-qr
(function (root) {
  'use strict';

  // Error correction level L, per version 1–40: error correction codewords per block, and
  // the number of blocks (ISO/IEC 18004 table 9). The data codewords follow from the
  // symbol's size: the blocks share them, the later blocks one more when they do not divide.
  var EC_CODEWORDS_PER_BLOCK = [
    7, 10, 15, 20, 26, 18, 20, 24, 30, 18, 20, 24, 26, 30, 22, 24, 28, 30, 28, 28,
    28, 28, 30, 30, 26, 28, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30, 30,
  ];
  var BLOCK_COUNT = [
    1, 1, 1, 1, 1, 2, 2, 2, 2, 4, 4, 4, 4, 4, 6, 6, 6, 6, 7, 8,
    8, 9, 9, 10, 12, 12, 12, 13, 14, 15, 16, 17, 18, 19, 19, 20, 21, 22, 24, 25,
  ];
  // Format information: level L is 01 in the two level bits.
  var LEVEL_L_BITS = 1;
  var QUIET_ZONE = 4;

  // Arithmetic in GF(2^8) modulo x^8 + x^4 + x^3 + x^2 + 1, by tables of powers of 2.
  var EXP = [];
  var LOG = [];
  (function () {
    var value = 1;
    for (var power = 0; power < 255; power++) {
      EXP[power] = value;
      LOG[value] = power;
      value <<= 1;
      if (value > 255) value ^= 0x11d;
    }
    for (power = 255; power < 510; power++) EXP[power] = EXP[power - 255];
  })();

  function gfMultiply(a, b) {
    return a === 0 || b === 0 ? 0 : EXP[LOG[a] + LOG[b]];
  }

  // The generator polynomial (x - 2^0)(x - 2^1)…(x - 2^(degree-1)), highest power first.
  var generators = {};
  function generator(degree) {
    if (generators[degree]) return generators[degree];
    var poly = [1];
    for (var root = 0; root < degree; root++) {
      var product = [];
      for (var k = 0; k <= poly.length; k++) product[k] = 0;
      for (var j = 0; j < poly.length; j++) {
        product[j] ^= poly[j];
        product[j + 1] ^= gfMultiply(poly[j], EXP[root]);
      }
      poly = product;
    }
    generators[degree] = poly;
    return poly;
  }

  // The error correction codewords of a block: the block, times x^degree, modulo the generator.
  function errorCorrection(block, degree) {
    var gen = generator(degree);
    var rest = [];
    for (var k = 0; k < degree; k++) rest[k] = 0;
    for (var i = 0; i < block.length; i++) {
      var factor = block[i] ^ rest[0];
      rest.shift();
      rest.push(0);
      if (factor !== 0) for (k = 0; k < degree; k++) rest[k] ^= gfMultiply(gen[k + 1], factor);
    }
    return rest;
  }

  function utf8(text) {
    var bytes = [];
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c >= 0xd800 && c < 0xdc00 && i + 1 < text.length) {
        var low = text.charCodeAt(i + 1);
        if (low >= 0xdc00 && low < 0xe000) {
          c = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
          i++;
        }
      }
      if (c < 0x80) bytes.push(c);
      else if (c < 0x800) bytes.push(0xc0 | (c >> 6), 0x80 | (c & 63));
      else if (c < 0x10000) bytes.push(0xe0 | (c >> 12), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
      else bytes.push(0xf0 | (c >> 18), 0x80 | ((c >> 12) & 63), 0x80 | ((c >> 6) & 63), 0x80 | (c & 63));
    }
    return bytes;
  }

  // Centres of the alignment patterns on each axis (version 2 and up): from 6 to size - 7,
  // evenly spaced from the far end by an even step (version 32 has its own step).
  function alignmentCentres(version) {
    if (version === 1) return [];
    var size = version * 4 + 17;
    var count = Math.floor(version / 7) + 2;
    var step = version === 32 ? 26 : Math.ceil((size - 13) / (count - 1) / 2) * 2;
    var centres = [6];
    for (var position = size - 7 - step * (count - 2); position <= size - 7; position += step) centres.push(position);
    return centres;
  }

  // The remainder of a BCH code: `value` shifted left by the generator's degree, modulo it.
  function bchRemainder(value, poly, degree) {
    var rest = value << degree;
    for (var bit = 30; bit >= degree; bit--) if ((rest >> bit) & 1) rest ^= poly << (bit - degree);
    return rest;
  }

  // A symbol of one version: the function patterns drawn, the rest free for data.
  function Grid(version) {
    this.version = version;
    this.size = version * 4 + 17;
    this.modules = new Uint8Array(this.size * this.size);
    this.fixed = new Uint8Array(this.size * this.size);
  }

  Grid.prototype.put = function (x, y, dark) {
    var at = y * this.size + x;
    this.modules[at] = dark ? 1 : 0;
    this.fixed[at] = 1;
  };

  Grid.prototype.drawFunctionPatterns = function () {
    var size = this.size;
    var i, dx, dy, d;
    // Timing patterns, then the finder patterns with their light separators over them.
    for (i = 0; i < size; i++) {
      this.put(6, i, i % 2 === 0);
      this.put(i, 6, i % 2 === 0);
    }
    var finders = [[3, 3], [size - 4, 3], [3, size - 4]];
    for (var f = 0; f < finders.length; f++) {
      for (dy = -4; dy <= 4; dy++) {
        for (dx = -4; dx <= 4; dx++) {
          var x = finders[f][0] + dx;
          var y = finders[f][1] + dy;
          if (x < 0 || y < 0 || x >= size || y >= size) continue;
          d = Math.max(Math.abs(dx), Math.abs(dy));
          this.put(x, y, d !== 2 && d !== 4);
        }
      }
    }
    // Alignment patterns, except where they would overlap a finder pattern.
    var centres = alignmentCentres(this.version);
    var last = centres.length - 1;
    for (var a = 0; a <= last; a++) {
      for (var b = 0; b <= last; b++) {
        if ((a === 0 && b === 0) || (a === 0 && b === last) || (a === last && b === 0)) continue;
        for (dy = -2; dy <= 2; dy++) {
          for (dx = -2; dx <= 2; dx++) {
            d = Math.max(Math.abs(dx), Math.abs(dy));
            this.put(centres[a] + dx, centres[b] + dy, d !== 1);
          }
        }
      }
    }
    // Reserve the format information (drawn for real once the mask is chosen), the module
    // that is always dark, and the version information.
    this.drawFormat(0);
    this.put(8, size - 8, true);
    if (this.version >= 7) {
      var bits = (this.version << 12) | bchRemainder(this.version, 0x1f25, 12);
      for (i = 0; i < 18; i++) {
        var dark = ((bits >> i) & 1) === 1;
        var near = Math.floor(i / 3);
        var far = size - 11 + (i % 3);
        this.put(far, near, dark);
        this.put(near, far, dark);
      }
    }
  };

  // The 15 format bits (level and mask, BCH(15,5), XOR 101010000010010), twice.
  Grid.prototype.drawFormat = function (mask) {
    var size = this.size;
    var data = (LEVEL_L_BITS << 3) | mask;
    var bits = ((data << 10) | bchRemainder(data, 0x537, 10)) ^ 0x5412;
    for (var i = 0; i < 15; i++) {
      var dark = ((bits >> i) & 1) === 1;
      // Around the top-left finder: down column 8 (skipping the timing row), then left along row 8.
      if (i < 6) this.put(8, i, dark);
      else if (i < 8) this.put(8, i + 1, dark);
      else if (i === 8) this.put(7, 8, dark);
      else this.put(14 - i, 8, dark);
      // Split between the other two finders: along row 8 at the right, up column 8 at the bottom.
      if (i < 8) this.put(size - 1 - i, 8, dark);
      else this.put(8, size - 15 + i, dark);
    }
  };

  // The codewords in the standard's order: two columns at a time from the right, upwards then
  // downwards in turn, skipping the vertical timing pattern; most significant bit first.
  Grid.prototype.drawCodewords = function (codewords) {
    var size = this.size;
    var total = codewords.length * 8;
    var bit = 0;
    var upward = true;
    for (var right = size - 1; right >= 1; right -= 2) {
      if (right === 6) right = 5;
      for (var step = 0; step < size; step++) {
        var y = upward ? size - 1 - step : step;
        for (var column = 0; column < 2; column++) {
          var x = right - column;
          var at = y * size + x;
          if (this.fixed[at]) continue;
          if (bit < total) this.modules[at] = (codewords[bit >> 3] >> (7 - (bit & 7))) & 1;
          bit++;
        }
      }
      upward = !upward;
    }
  };

  var MASKS = [
    function (x, y) { return (x + y) % 2 === 0; },
    function (x, y) { return y % 2 === 0; },
    function (x) { return x % 3 === 0; },
    function (x, y) { return (x + y) % 3 === 0; },
    function (x, y) { return (Math.floor(y / 2) + Math.floor(x / 3)) % 2 === 0; },
    function (x, y) { return ((x * y) % 2) + ((x * y) % 3) === 0; },
    function (x, y) { return (((x * y) % 2) + ((x * y) % 3)) % 2 === 0; },
    function (x, y) { return (((x + y) % 2) + ((x * y) % 3)) % 2 === 0; },
  ];

  // Flips the data modules where the mask says (applying it twice undoes it).
  Grid.prototype.applyMask = function (mask) {
    var size = this.size;
    var rule = MASKS[mask];
    for (var y = 0; y < size; y++) {
      for (var x = 0; x < size; x++) {
        var at = y * size + x;
        if (!this.fixed[at] && rule(x, y)) this.modules[at] ^= 1;
      }
    }
  };

  // The four penalty rules (ISO/IEC 18004 §7.8.3.1): runs of five or more of one colour
  // (3 + the length beyond 5), 2×2 blocks of one colour (3 each), the finder-like pattern
  // dark-light-dark-dark-dark-light-dark with four light modules before or after it (40
  // each; beyond the edge is the light quiet zone), and the share of dark modules (10 for
  // each full 5 % away from half).
  Grid.prototype.penalty = function () {
    var size = this.size;
    var m = this.modules;
    var score = 0;
    var dark = 0;
    var line = new Uint8Array(size);
    for (var axis = 0; axis < 2; axis++) {
      for (var a = 0; a < size; a++) {
        for (var b = 0; b < size; b++) line[b] = axis === 0 ? m[a * size + b] : m[b * size + a];
        score += linePenalty(line, size);
      }
    }
    for (var y = 0; y < size; y++) {
      for (var x = 0; x < size; x++) {
        var here = m[y * size + x];
        dark += here;
        if (x + 1 < size && y + 1 < size && here === m[y * size + x + 1] && here === m[(y + 1) * size + x] && here === m[(y + 1) * size + x + 1]) {
          score += 3;
        }
      }
    }
    var total = size * size;
    score += Math.floor(Math.abs(dark * 20 - total * 10) / total) * 10;
    return score;
  };

  function lightBetween(line, size, from, to) {
    for (var i = Math.max(0, from); i < Math.min(size, to); i++) if (line[i]) return false;
    return true;
  }

  function linePenalty(line, size) {
    var score = 0;
    var run = 1;
    for (var i = 1; i <= size; i++) {
      if (i < size && line[i] === line[i - 1]) {
        run++;
      } else {
        if (run >= 5) score += 3 + (run - 5);
        run = 1;
      }
    }
    for (i = 0; i + 7 <= size; i++) {
      if (line[i] && !line[i + 1] && line[i + 2] && line[i + 3] && line[i + 4] && !line[i + 5] && line[i + 6] &&
          (lightBetween(line, size, i - 4, i) || lightBetween(line, size, i + 7, i + 11))) {
        score += 40;
      }
    }
    return score;
  }

  // The data codewords: mode 0100 (byte), the length, the bytes, a terminator of up to four
  // zero bits, zeros to a whole byte, then the pad bytes 11101100 and 00010001 in turn.
  function dataCodewords(bytes, version, capacity) {
    var bits = [];
    function push(value, length) {
      for (var i = length - 1; i >= 0; i--) bits.push((value >> i) & 1);
    }
    push(4, 4);
    push(bytes.length, version < 10 ? 8 : 16);
    for (var i = 0; i < bytes.length; i++) push(bytes[i], 8);
    for (i = 0; i < 4 && bits.length < capacity * 8; i++) bits.push(0);
    while (bits.length % 8 !== 0) bits.push(0);
    var codewords = [];
    for (i = 0; i < bits.length; i += 8) {
      var value = 0;
      for (var k = 0; k < 8; k++) value = (value << 1) | bits[i + k];
      codewords.push(value);
    }
    for (var pad = 0; codewords.length < capacity; pad++) codewords.push(pad % 2 === 0 ? 0xec : 0x11);
    return codewords;
  }

  // Splits the data into the version's blocks, adds each block's error correction, and
  // interleaves: the data codewords column by column across the blocks, then the error
  // correction codewords likewise.
  function interleave(data, version, total) {
    var blocks = BLOCK_COUNT[version - 1];
    var ecLength = EC_CODEWORDS_PER_BLOCK[version - 1];
    var longBlocks = total % blocks;
    var shortData = Math.floor(total / blocks) - ecLength;
    var dataBlocks = [];
    var ecBlocks = [];
    for (var b = 0, at = 0; b < blocks; b++) {
      var length = shortData + (b >= blocks - longBlocks ? 1 : 0);
      var block = data.slice(at, at + length);
      at += length;
      dataBlocks.push(block);
      ecBlocks.push(errorCorrection(block, ecLength));
    }
    var out = [];
    for (var i = 0; i <= shortData; i++) {
      for (b = 0; b < blocks; b++) if (i < dataBlocks[b].length) out.push(dataBlocks[b][i]);
    }
    for (i = 0; i < ecLength; i++) for (b = 0; b < blocks; b++) out.push(ecBlocks[b][i]);
    return out;
  }

  function freeModules(grid) {
    var free = 0;
    for (var i = 0; i < grid.fixed.length; i++) if (!grid.fixed[i]) free++;
    return free;
  }

  function encode(text, forcedMask) {
    var bytes = utf8(String(text));
    for (var version = 1; version <= 40; version++) {
      var grid = new Grid(version);
      grid.drawFunctionPatterns();
      var total = Math.floor(freeModules(grid) / 8);
      var capacity = total - EC_CODEWORDS_PER_BLOCK[version - 1] * BLOCK_COUNT[version - 1];
      if (4 + (version < 10 ? 8 : 16) + bytes.length * 8 > capacity * 8) continue;
      grid.drawCodewords(interleave(dataCodewords(bytes, version, capacity), version, total));
      var mask = forcedMask;
      if (mask === undefined || mask === null) {
        var best = Infinity;
        for (var candidate = 0; candidate < 8; candidate++) {
          grid.applyMask(candidate);
          grid.drawFormat(candidate);
          var score = grid.penalty();
          if (score < best) {
            best = score;
            mask = candidate;
          }
          grid.applyMask(candidate);
        }
      }
      grid.applyMask(mask);
      grid.drawFormat(mask);
      return { version: version, size: grid.size, mask: mask, modules: grid.modules };
    }
    throw new Error('too long for a QR code');
  }

  var SVG = 'http://www.w3.org/2000/svg';

  function draw(container, text, label) {
    var qr = encode(text);
    var size = qr.size;
    var outer = size + QUIET_ZONE * 2;
    var d = [];
    for (var y = 0; y < size; y++) {
      for (var x = 0; x < size; x++) {
        if (!qr.modules[y * size + x]) continue;
        var run = 1;
        while (x + run < size && qr.modules[y * size + x + run]) run++;
        d.push('M' + (x + QUIET_ZONE) + ' ' + (y + QUIET_ZONE) + 'h' + run + 'v1h-' + run + 'z');
        x += run - 1;
      }
    }
    var doc = container.ownerDocument;
    var svg = doc.createElementNS(SVG, 'svg');
    svg.setAttribute('viewBox', '0 0 ' + outer + ' ' + outer);
    svg.setAttribute('width', '240');
    svg.setAttribute('height', '240');
    svg.setAttribute('role', 'img');
    svg.setAttribute('aria-label', label);
    svg.setAttribute('class', 'bankid-qr');
    svg.setAttribute('shape-rendering', 'crispEdges');
    svg.setAttribute('data-qr', text);
    var background = doc.createElementNS(SVG, 'rect');
    background.setAttribute('width', String(outer));
    background.setAttribute('height', String(outer));
    background.setAttribute('fill', '#fff');
    var path = doc.createElementNS(SVG, 'path');
    path.setAttribute('d', d.join(''));
    path.setAttribute('fill', '#000');
    svg.appendChild(background);
    svg.appendChild(path);
    while (container.firstChild) container.removeChild(container.firstChild);
    container.appendChild(svg);
    return svg;
  }

  root.KundwebbenQr = { encode: encode, draw: draw };
})(typeof window !== 'undefined' ? window : this);
