package org.vnetnl.ynl;

/** Hostile specs shared by the loader's, the schema's and the generator's tests. */
public final class HostileSpecs {

    private HostileSpecs() {}

    /** A set with {@code fanout} nests of itself, and a second set nesting it back. */
    public static String selfNesting(int fanout) {
        StringBuilder attrs = new StringBuilder("      - { name: id, type: u32 }\n");
        StringBuilder names = new StringBuilder("id");
        for (int i = 0; i < fanout; i++) {
            attrs.append("      - { name: child").append(i).append(", type: nest, nested-attributes: tree }\n");
            names.append(", child").append(i);
        }
        return """
                name: tree-fam
                protocol: genetlink
                attribute-sets:
                  - name: tree
                    attributes:
                """ + attrs + """
                      - { name: other, type: nest, nested-attributes: other }
                  - name: other
                    attributes:
                      - { name: leaf, type: u8 }
                      - { name: back, type: nest, nested-attributes: tree }
                operations:
                  list:
                    - name: get
                      attribute-set: tree
                      do:
                        request:
                          attributes: [ %s, other ]
                        reply:
                          attributes: [ %s ]
                """.formatted(names, names);
    }
}
