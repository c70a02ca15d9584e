#!/usr/bin/env python
"""Build static/fonts/AgencySansSC-Regular.otf, the CJK face every PDF embeds.

    .venv/bin/python scripts/build_cjk_font.py \
        /usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc static/fonts/AgencySansSC-Regular.otf

Source: Noto Sans CJK SC (face 2 of Debian's fonts-noto-cjk collection),
licensed under the SIL Open Font License 1.1 (static/fonts/OFL.txt), which
allows subsetting and redistribution. We keep ASCII and Latin-1, general and
CJK punctuation, letter-like symbols, full-width forms and every hanzi of GBK
(21,886: names with rare characters such as 喆 or 堃 still render), so a
machine without any CJK font prints real glyphs. WeasyPrint subsets it again
per document with HarfBuzz, so a PDF carries only the glyphs it uses.
"""

import sys
from fontTools.ttLib import TTCollection
from fontTools import subset

src, out = sys.argv[1], sys.argv[2]
font = TTCollection(src).fonts[2]  # Noto Sans CJK SC
chars = set(range(0x20, 0x7F)) | set(range(0xA0, 0x180)) | set(range(0x2000, 0x2070)) | set(range(0x2100, 0x2200)) | set(range(0x3000, 0x3040)) | set(range(0xFF00, 0xFFF0)) | {0x20AC, 0xA5}
for cp in range(0x4E00, 0xA000):
    try:
        chr(cp).encode("gbk")
        chars.add(cp)
    except UnicodeEncodeError:
        pass
opts = subset.Options()
opts.layout_features = ["*"]
opts.name_IDs = ["*"]
opts.name_languages = ["*"]
opts.notdef_outline = True
opts.glyph_names = False
opts.hinting = False
sub = subset.Subsetter(options=opts)
sub.populate(unicodes=chars)
sub.subset(font)
font.save(out)
print(out, len(chars))
