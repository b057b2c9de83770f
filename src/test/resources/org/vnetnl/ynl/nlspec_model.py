# What the kernel's nlspec.py makes of each spec given on the command line, as JSON on stdout:
# the oracle of SpecLoaderTest. Usage: python3 nlspec_model.py YNL_LIB_DIR SPEC...
import json
import sys

sys.path.insert(0, sys.argv[1])
from nlspec import SpecFamily  # noqa: E402

out = {}
for path in sys.argv[2:]:
    f = SpecFamily(path, '')
    def num(v):
        return -1 if v is None else v
    out[f.name] = {
        'ops': {n: [num(o.req_value), num(o.rsp_value), sorted(o.modes),
                    o.attr_set.name if hasattr(o, 'attr_set') else None]
                for n, o in f.msgs.items()},
        'sets': {n: {a: [attr.value, attr.type, bool(attr.is_multi)] for a, attr in s.attrs.items()}
                 for n, s in f.attr_sets.items()},
        'enums': {n: {e: entry.user_value() for e, entry in c.entries.items()}
                  for n, c in f.consts.items() if hasattr(c, 'entries')},
        'groups': sorted(f.mcast_groups.keys()),
        'group_values': {n: num(g.value) for n, g in f.mcast_groups.items()},
        'protonum': f.yaml.get('protonum', 16),
        'sub_msgs': {n: {v: [fm.fixed_header, fm.attr_set] for v, fm in m.formats.items()}
                     for n, m in f.sub_msgs.items()},
    }
print(json.dumps(out))
