package dev.parley.model.routes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What each function's catalogue entry says it calls, its family's jar must hold. */
class FamilyTest {
    @Test
    void everyFunctionIsInAFamilyWhoseJarHoldsTheClientsItsEntryUses() {
        for (FunctionSpec spec : Catalogue.ALL) {
            if (!spec.tables().isEmpty()) {
                assertThat(spec.family().has(Family.Service.DYNAMODB)).as(spec.id() + " calls DynamoDB").isTrue();
            }
            if (spec.postsToConnections()) {
                assertThat(spec.family().has(Family.Service.APIGATEWAY_MANAGEMENT)).as(spec.id() + " posts").isTrue();
            }
            if (!Catalogue.bucketAccess(spec).isEmpty()) {
                assertThat(spec.family().has(Family.Service.S3)).as(spec.id() + " uses the bucket").isTrue();
            }
            if (spec.triggers().stream().anyMatch(trigger -> trigger instanceof Trigger.QueueMessages)) {
                assertThat(spec.family().has(Family.Service.SQS)).as(spec.id() + " consumes a queue").isTrue();
            }
        }
    }

    @Test
    void theAuthorizerIsAloneInItsFamilyAndItsFamilyHoldsNoSdkClient() {
        assertThat(Catalogue.ALL).filteredOn(spec -> spec.family() == Family.AUTHORIZER)
                .containsExactly(Catalogue.CONNECT_AUTHORIZER);
        assertThat(Family.AUTHORIZER.services()).isEmpty();
    }

    @Test
    void familiesHaveJarsOfTheirOwn() {
        assertThat(Family.values()).extracting(Family::jarName).doesNotHaveDuplicates()
                .contains("parley-authorizer.jar", "parley-routes.jar");
    }
}
