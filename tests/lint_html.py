"""lint_html.py — refuse markup passed where html() escapes it.

html() and html_fmt() escape every %s argument, so a string literal
argument holding markup or an attribute (<, >, ", &) is printed as text:
a mistake the compiler cannot see.  Write such fragments with their own
html() call, or html_raw() for a fixed literal.  Run by `make lint`.
"""
import glob
import re
import sys

LITERAL = re.compile(r'"(?:\\.|[^"\\])*"')


def calls(src):
    for m in re.finditer(r'\b(html|html_fmt)\(r,', src):
        i = j = m.end()
        depth = 1
        while depth and j < len(src):
            c = src[j]
            if c == '"':
                k = j + 1
                while src[k] != '"':
                    k += 2 if src[k] == '\\' else 1
                j = k
            elif c == '(':
                depth += 1
            elif c == ')':
                depth -= 1
            j += 1
        yield m.start(), src[i:j - 1]


problems = 0
for path in sorted(glob.glob(sys.argv[1] + '/*.c')):
    src = open(path, encoding='utf-8').read()
    for at, call in calls(src):
        rest = call.lstrip()
        while True:                       # skip the format's literal(s)
            m = LITERAL.match(rest)
            if not m:
                break
            rest = rest[m.end():].lstrip()
        for arg in LITERAL.finditer(rest):
            text = arg.group(0)[1:-1].replace('\\"', '"')
            if re.search(r'[<>"&]', text):
                line = src[:at].count('\n') + 1
                print(f'{path}:{line}: markup passed as an argument to html(), where it is escaped: {arg.group(0)[:50]}')
                problems += 1
print(f'lint_html: {problems} problem(s)' if problems else 'lint_html: clean')
sys.exit(1 if problems else 0)
