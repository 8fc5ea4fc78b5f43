package dev.parley.infra;

import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.Family;
import dev.parley.model.routes.FunctionSpec;
import dev.parley.model.routes.TableAccess;
import dev.parley.model.routes.TableOp;
import java.util.Collection;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awscdk.RemovalPolicy;
import software.amazon.awscdk.services.dynamodb.Table;
import software.amazon.awscdk.services.iam.PolicyStatement;
import software.amazon.awscdk.services.lambda.Code;
import software.constructs.Construct;

/**
 * Every function of the {@link Catalogue}, each from its family's jar, with exactly the DynamoDB
 * actions its {@link FunctionSpec#tables()} lists (least privilege: a new call in a handler needs
 * its action in the catalogue, or it fails with AccessDenied on AWS).
 */
final class Functions extends Concern {
    private final Map<FunctionSpec, JavaFunction> functions = new LinkedHashMap<>();

    Functions(Construct scope, String id, FunctionJars jars, Map<String, String> environment, DataTables tables,
              boolean retainData) {
        super(scope, id);
        // One asset per family: the functions of a family share its upload.
        Map<Family, Code> code = new EnumMap<>(Family.class);
        JavaFunctionFactory factory = new JavaFunctionFactory(this, environment,
                retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY);
        for (FunctionSpec spec : Catalogue.ALL) {
            JavaFunction function = factory.create(spec,
                    code.computeIfAbsent(spec.family(), family -> Code.fromAsset(jars.jar(family).toString())));
            functions.put(spec, function);
            for (TableAccess access : spec.tables()) {
                grant(function, tables.table(access.table()), access);
            }
            Nag.suppress(function.function(), "AwsSolutions-IAM4",
                    "AWSLambdaBasicExecutionRole is the AWS-maintained policy for writing a function's own "
                            + "logs; it grants nothing beyond CloudWatch Logs.",
                    "Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole");
        }
    }

    /** The deployed function of a catalogue entry. */
    JavaFunction function(FunctionSpec spec) {
        return Objects.requireNonNull(functions.get(spec), spec.id());
    }

    Collection<JavaFunction> all() {
        return Collections.unmodifiableCollection(functions.values());
    }

    /**
     * The listed actions on the table; a Query of a secondary index ({@link TableOp#QUERY_INDEX})
     * is a statement of its own on {@code <table-arn>/index/*}, so index access never widens what
     * the function may do on the table itself.
     */
    private static void grant(JavaFunction function, Table table, TableAccess access) {
        List<String> tableActions = access.ops().stream().filter(op -> op != TableOp.QUERY_INDEX)
                .map(TableOp::iamAction).distinct().sorted().toList();
        if (!tableActions.isEmpty()) {
            function.function().addToRolePolicy(PolicyStatement.Builder.create()
                    .actions(tableActions)
                    .resources(List.of(table.getTableArn()))
                    .build());
        }
        if (access.ops().contains(TableOp.QUERY_INDEX)) {
            function.function().addToRolePolicy(PolicyStatement.Builder.create()
                    .actions(List.of(TableOp.QUERY_INDEX.iamAction()))
                    .resources(List.of(table.getTableArn() + "/index/*"))
                    .build());
            Nag.suppress(function.function(), "AwsSolutions-IAM5",
                    "The function queries a secondary index of this table (QUERY_INDEX in the catalogue); "
                            + "index ARNs end in the index name, and the wildcard stays within this one table "
                            + "and the Query action.",
                    "Resource::<" + Nag.logicalId(table) + ".Arn>/index/*");
        }
    }
}
