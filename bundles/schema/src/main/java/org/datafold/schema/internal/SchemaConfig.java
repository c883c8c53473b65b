package org.datafold.schema.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the schema registry (PID {@value #PID}); optional, the defaults work. */
@ObjectClassDefinition(id = SchemaConfig.PID, name = "DataFold schemas",
        description = "Where the node discovers schema files at start and on refresh.")
public @interface SchemaConfig {

    /** The configuration PID, also named in configuration error messages. */
    String PID = "org.datafold.schema";

    @AttributeDefinition(name = "Schema folder",
            description = "The folder whose *.json files are discovered as schemas (not its "
                    + "sub-folders). A relative path resolves against the system property "
                    + "'datafold.home' if set, otherwise against the working directory.")
    String folder() default "schemas";
}
