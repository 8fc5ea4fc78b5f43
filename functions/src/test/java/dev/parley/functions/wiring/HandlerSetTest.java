package dev.parley.functions.wiring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.functions.support.TestDynamo;
import dev.parley.model.routes.Catalogue;
import dev.parley.model.routes.FunctionSpec;
import dev.parley.model.routes.Trigger;
import java.time.Clock;
import org.junit.jupiter.api.Test;

class HandlerSetTest {

    @Test
    void everyTriggerOfTheCatalogueHasTheHandlerItNames() {
        var handlers = HandlerSet.create(new Wiring(TestDynamo.CONFIG, TestDynamo.client(), () -> null, () -> null,
                Clock.systemUTC()));
        int triggers = 0;
        for (FunctionSpec spec : Catalogue.ALL) {
            for (Trigger trigger : spec.triggers()) {
                triggers++;
                assertThat(handlers.get(HandlerSet.key(trigger))).as(spec.id() + " " + trigger)
                        .isNotNull()
                        .extracting(handler -> handler.getClass().getName()).isEqualTo(spec.handlerClass());
            }
        }
        assertThat(handlers).hasSize(triggers);
    }

    @Test
    void httpHandlersAreKeyedByTheirRouteKey() {
        assertThat(HandlerSet.key(new Trigger.HttpRoute("POST", "/groups"))).isEqualTo("http:POST /groups");
        assertThat(HandlerSet.key(new Trigger.WebSocketRoute("send", true))).isEqualTo("send");
    }

    @Test
    void everyHandlerKeepsTheNoArgumentConstructorLambdaCalls() throws Exception {
        for (FunctionSpec spec : Catalogue.ALL) {
            assertThat(Class.forName(spec.handlerClass()).getConstructor()).as(spec.handlerClass()).isNotNull();
        }
    }
}
