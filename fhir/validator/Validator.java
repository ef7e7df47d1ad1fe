// Checks FHIR R4 JSON against the official R4 definitions, offline: HAPI FHIR's instance
// validator (structure, cardinality, invariants, bindings to the code systems R4 ships) and
// HAPI's own strict parser (what a HAPI-based client does with our responses).
//
//   java -cp 'libs/*' Validator.java serve PORT   POST /validate with a resource; answers
//                                                   {"errors": [...], "warnings": [...]}
//                                                   and exits when its stdin closes
//   java -cp 'libs/*' Validator.java FILE...      prints every issue; exit 1 on any error
//
// scripts/fhir-validator.sh provisions the jars (pom.xml beside this file) and runs it.

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.SingleValidationMessage;
import com.google.gson.Gson;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;

public class Validator {
  private static final FhirContext CONTEXT = FhirContext.forR4();
  private static final Gson GSON = new Gson();

  public static void main(String[] args) throws Exception {
    FhirValidator validator = validator();
    // The first validation loads the definitions: do it before saying ready.
    check(validator, "{\"resourceType\": \"Patient\", \"id\": \"warm-up\"}");
    if (args.length == 2 && args[0].equals("serve")) {
      serve(validator, Integer.parseInt(args[1]));
      return;
    }
    boolean failed = false;
    for (String file : args) {
      Map<String, List<String>> issues = check(validator, Files.readString(Path.of(file)));
      for (String error : issues.get("errors")) {
        System.out.println(file + ": error: " + error);
      }
      for (String warning : issues.get("warnings")) {
        System.out.println(file + ": warning: " + warning);
      }
      failed |= !issues.get("errors").isEmpty();
    }
    System.exit(failed ? 1 : 0);
  }

  private static FhirValidator validator() {
    ValidationSupportChain support =
        new ValidationSupportChain(
            new DefaultProfileValidationSupport(CONTEXT),
            new CommonCodeSystemsTerminologyService(CONTEXT),
            new InMemoryTerminologyServerValidationSupport(CONTEXT),
            new SnapshotGeneratingValidationSupport(CONTEXT));
    FhirInstanceValidator instance = new FhirInstanceValidator(support);
    // Nothing is fetched: references are to our own server, profiles are the base ones.
    instance.setNoTerminologyChecks(false);
    instance.setAnyExtensionsAllowed(false);
    return CONTEXT.newValidator().registerValidatorModule(instance);
  }

  /** Errors (fatal included) and warnings of one resource, as "location: message". */
  private static Map<String, List<String>> check(FhirValidator validator, String json) {
    List<String> errors = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    for (SingleValidationMessage message : validator.validateWithResult(json).getMessages()) {
      String text = message.getLocationString() + ": " + message.getMessage();
      if (message.getSeverity() == ResultSeverityEnum.ERROR
          || message.getSeverity() == ResultSeverityEnum.FATAL) {
        errors.add(text);
      } else if (message.getSeverity() == ResultSeverityEnum.WARNING) {
        warnings.add(text);
      }
    }
    try {
      CONTEXT.newJsonParser().setParserErrorHandler(new StrictErrorHandler()).parseResource(json);
    } catch (RuntimeException e) {
      errors.add("HAPI's strict parser: " + e.getMessage());
    }
    Map<String, List<String>> issues = new LinkedHashMap<>();
    issues.put("errors", errors);
    issues.put("warnings", warnings);
    return issues;
  }

  private static void serve(FhirValidator validator, int port) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.createContext(
        "/validate",
        exchange -> {
          String body = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          byte[] answer;
          int status = 200;
          try {
            answer = GSON.toJson(check(validator, body)).getBytes(StandardCharsets.UTF_8);
          } catch (RuntimeException e) {
            status = 400;
            JsonObject problem = new JsonObject();
            problem.addProperty("problem", String.valueOf(e));
            answer = GSON.toJson(problem).getBytes(StandardCharsets.UTF_8);
          }
          exchange.getResponseHeaders().set("content-type", "application/json");
          exchange.sendResponseHeaders(status, answer.length);
          exchange.getResponseBody().write(answer);
          exchange.close();
        });
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
    System.out.println("ready on 127.0.0.1:" + server.getAddress().getPort());
    System.out.flush();
    // Whoever started us holds our stdin: when it goes, so do we.
    while (System.in.read() != -1) {}
    System.exit(0);
  }
}
