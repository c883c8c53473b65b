package org.datafold.transforms.internal.runtime;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/**
 * How transforms run (PID {@value #PID}); optional, the defaults work. Changes apply at once.
 *
 * <p>Declarative Services names a property after its method with {@code _} read as {@code .} and
 * {@code __} as {@code _}: {@code max__depth()} is the key {@code max_depth}, as documented. Keys
 * written with dots ({@code max.depth}), which the methods once read, are still read, with a
 * warning ({@link TransformService}).
 */
@ObjectClassDefinition(id = TransformConfig.PID, name = "DataFold transforms",
        description = "How the node runs transforms when their input fields change.")
public @interface TransformConfig {

    String PID = "org.datafold.transforms";

    @AttributeDefinition(name = "Enabled", description = "Run transforms. When false, the runs that changes ask "
            + "for are still queued (durably) and start once this is true again.")
    boolean enabled() default true;

    @AttributeDefinition(name = "Threads", description = "Transform runs executed at the same time.", min = "1",
            max = "64")
    int threads() default 2;

    @AttributeDefinition(name = "Cascade depth", description = "The longest chain of transforms one change may "
            + "trigger (a transform's output being another's input). Deeper runs are not queued and are reported.",
            min = "1", max = "100")
    int max__depth() default 8;

    @AttributeDefinition(name = "Attempts", description = "Attempts of a failing run before it is dropped "
            + "(its error stays visible in fold:transform).", min = "1")
    int max__attempts() default 10;

    @AttributeDefinition(name = "First retry pause (ms)", description = "Pause after a run's first failure; it "
            + "doubles after each further failure.", min = "0")
    long retry__initial__ms() default 200;

    @AttributeDefinition(name = "Longest retry pause (ms)", min = "0")
    long retry__max__ms() default 60000;
}
