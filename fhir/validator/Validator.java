// Checks FHIR R4 JSON against the official R4 definitions, offline: HAPI FHIR's instance
// validator (structure, cardinality, invariants, bindings to the code systems R4 ships) and
// HAPI's own strict parser (what a HAPI-based client does with our responses).
//
//   java -cp 'libs/*' Validator.java serve PORT   POST /validate with a resource; answers
//                                                   {"errors": [...], "warnings": [...]}
//                                                   and exits when its stdin closes
//   java -cp 'libs/*' Validator.java FILE...      prints every issue; exit 1 on any error
//   java -cp 'libs/*' Validator.java client BASE TOKEN PATIENT NAME DAY
//                                                 HAPI's generic client reads and searches
//                                                 BASE as that patient's front desk would;
//                                                 prints what it found as one JSON line
//
// scripts/fhir-validator.sh provisions the jars (pom.xml beside this file) and runs it.

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.parser.StrictErrorHandler;
import ca.uhn.fhir.rest.client.api.IGenericClient;
import ca.uhn.fhir.rest.client.interceptor.BearerTokenAuthInterceptor;
import ca.uhn.fhir.rest.server.exceptions.ResourceNotFoundException;
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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Executors;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseBundle;
import org.hl7.fhir.r4.model.Appointment;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.CapabilityStatement;
import org.hl7.fhir.r4.model.IdType;
import org.hl7.fhir.r4.model.Invoice;
import org.hl7.fhir.r4.model.Parameters;
import org.hl7.fhir.r4.model.Patient;
import org.hl7.fhir.r4.model.PractitionerRole;

public class Validator {
  private static final FhirContext CONTEXT = FhirContext.forR4();
  private static final Gson GSON = new Gson();

  public static void main(String[] args) throws Exception {
    if (args.length == 6 && args[0].equals("client")) {
      client(args[1], args[2], args[3], args[4], args[5]);
      return;
    }
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

  /** What a HAPI FHIR client gets from our interface, parsing strictly. */
  private static void client(String base, String token, String patientId, String name, String day) {
    CONTEXT.setParserErrorHandler(new StrictErrorHandler());
    IGenericClient client = CONTEXT.newRestfulGenericClient(base);
    client.registerInterceptor(new BearerTokenAuthInterceptor(token));
    JsonObject found = new JsonObject();

    CapabilityStatement capability =
        client.capabilities().ofType(CapabilityStatement.class).execute();
    found.addProperty("fhirVersion", capability.getFhirVersion().toCode());
    Patient patient = client.read().resource(Patient.class).withId(patientId).execute();
    found.addProperty("patientName", patient.getNameFirstRep().getText());
    found.addProperty("birthDate", patient.getBirthDateElement().getValueAsString());
    Bundle byName =
        client.search().forResource(Patient.class)
            .where(Patient.NAME.matches().value(name))
            .returnBundle(Bundle.class).execute();
    found.addProperty("patientsNamed", byName.getTotal());

    // One appointment a page, following the next links to the end.
    Bundle page =
        client.search().forResource(Appointment.class)
            .where(Appointment.PATIENT.hasId("Patient/" + patientId))
            .and(Appointment.DATE.afterOrEquals().day(day))
            .count(1)
            .returnBundle(Bundle.class).execute();
    found.addProperty("appointmentsTotal", page.getTotal());
    Set<String> appointments = new HashSet<>();
    int pages = 0;
    while (true) {
      pages++;
      page.getEntry().forEach(entry -> appointments.add(entry.getResource().getIdElement().getIdPart()));
      if (page.getLink(IBaseBundle.LINK_NEXT) == null) break;
      page = client.loadPage().next(page).execute();
    }
    found.addProperty("appointmentPages", pages);
    found.addProperty("appointmentsSeen", appointments.size());

    Bundle roles =
        client.search().forResource(PractitionerRole.class)
            .where(PractitionerRole.SPECIALTY.exactly().systemAndCode("http://snomed.info/sct", "394579002"))
            .returnBundle(Bundle.class).execute();
    found.addProperty("cardiologists", roles.getTotal());
    Bundle invoices =
        client.search().forResource(Invoice.class)
            .where(Invoice.PATIENT.hasId(patientId))
            .returnBundle(Bundle.class).execute();
    found.addProperty("invoices", invoices.getTotal());
    Bundle everything =
        client.operation().onInstance(new IdType("Patient", patientId))
            .named("$everything").withNoParameters(Parameters.class).useHttpGet()
            .returnResourceType(Bundle.class).execute();
    found.addProperty("everything", everything.getEntry().size());
    try {
      client.read().resource(Patient.class).withId(UUID.randomUUID().toString()).execute();
      found.addProperty("unknownPatient", "found");
    } catch (ResourceNotFoundException e) {
      found.addProperty("unknownPatient", "404: " + e.getMessage());
    }
    System.out.println(GSON.toJson(found));
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
