package io.brazier.sync.dataverse;

import io.brazier.sync.map.ColumnType;
import io.brazier.sync.map.MapSet;
import io.brazier.sync.map.Table;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.olingo.commons.api.edm.EdmPrimitiveTypeKind;
import org.apache.olingo.commons.api.edm.FullQualifiedName;
import org.apache.olingo.commons.api.edm.provider.CsdlAbstractEdmProvider;
import org.apache.olingo.commons.api.edm.provider.CsdlEntityContainer;
import org.apache.olingo.commons.api.edm.provider.CsdlEntityContainerInfo;
import org.apache.olingo.commons.api.edm.provider.CsdlEntitySet;
import org.apache.olingo.commons.api.edm.provider.CsdlEntityType;
import org.apache.olingo.commons.api.edm.provider.CsdlNavigationProperty;
import org.apache.olingo.commons.api.edm.provider.CsdlProperty;
import org.apache.olingo.commons.api.edm.provider.CsdlPropertyRef;
import org.apache.olingo.commons.api.edm.provider.CsdlSchema;

/**
 * Dataverse's entity model for the tables of the maps, as Dataverse shapes it: namespace
 * {@code Microsoft.Dynamics.CRM}, every entity type derived from the abstract {@code crmbaseentity}, keyed by its
 * {@code <table>id} Guid, entity sets named by the plural; a column holding a row key is a single-valued navigation
 * property of its name (set by {@code @odata.bind}) and a read-only {@code _<name>_value} property.
 */
final class CrmModel extends CsdlAbstractEdmProvider {
  static final String NAMESPACE = "Microsoft.Dynamics.CRM";
  static final FullQualifiedName BASE = new FullQualifiedName(NAMESPACE, "crmbaseentity");
  private static final FullQualifiedName CONTAINER = new FullQualifiedName(NAMESPACE, "System");
  private static final Map<ColumnType, EdmPrimitiveTypeKind> TYPES = Map.of(ColumnType.STRING,
      EdmPrimitiveTypeKind.String, ColumnType.INTEGER, EdmPrimitiveTypeKind.Int32, ColumnType.DECIMAL,
      EdmPrimitiveTypeKind.Decimal, ColumnType.BOOLEAN, EdmPrimitiveTypeKind.Boolean, ColumnType.DATE,
      EdmPrimitiveTypeKind.Date, ColumnType.DATETIME, EdmPrimitiveTypeKind.DateTimeOffset);

  /** The tables by entity set name. */
  private final Map<String, Table> tables = new LinkedHashMap<>();

  CrmModel(MapSet maps) {
    maps.tables().forEach(table -> tables.put(EntitySets.of(table.name()), table));
  }

  Map<String, Table> tables() {
    return tables;
  }

  /** The table of an entity type by its name. */
  Table table(String typeName) {
    return tables.values().stream().filter(table -> table.name().equals(typeName)).findFirst().orElse(null);
  }

  @Override
  public CsdlEntityType getEntityType(FullQualifiedName name) {
    if (name.equals(BASE)) {
      return new CsdlEntityType().setName(BASE.getName()).setAbstract(true);
    }
    Table table = table(name.getName());
    if (table == null) {
      return null;
    }
    List<CsdlProperty> properties = new ArrayList<>();
    List<CsdlNavigationProperty> navigation = new ArrayList<>();
    properties.add(property(table.keyColumn(), EdmPrimitiveTypeKind.Guid).setNullable(false));
    table.columns().forEach((column, type) -> {
      if (type == ColumnType.UUID) {
        properties.add(property("_" + column + "_value", EdmPrimitiveTypeKind.Guid));
        navigation.add(new CsdlNavigationProperty().setName(column).setType(BASE).setNullable(true));
      } else {
        CsdlProperty property = property(column, TYPES.get(type));
        properties.add(type == ColumnType.DECIMAL ? property.setScale(10).setPrecision(38) : property);
      }
    });
    return new CsdlEntityType().setName(table.name()).setBaseType(BASE).setProperties(properties)
        .setNavigationProperties(navigation).setKey(List.of(new CsdlPropertyRef().setName(table.keyColumn())));
  }

  private static CsdlProperty property(String name, EdmPrimitiveTypeKind type) {
    return new CsdlProperty().setName(name).setType(type.getFullQualifiedName());
  }

  @Override
  public CsdlEntitySet getEntitySet(FullQualifiedName container, String name) {
    Table table = tables.get(name);
    return table == null ? null : new CsdlEntitySet().setName(name)
        .setType(new FullQualifiedName(NAMESPACE, table.name()));
  }

  @Override
  public CsdlEntityContainerInfo getEntityContainerInfo(FullQualifiedName name) {
    return new CsdlEntityContainerInfo().setContainerName(CONTAINER);
  }

  @Override
  public CsdlEntityContainer getEntityContainer() {
    List<CsdlEntitySet> sets = new ArrayList<>();
    tables.keySet().forEach(name -> sets.add(getEntitySet(CONTAINER, name)));
    return new CsdlEntityContainer().setName(CONTAINER.getName()).setEntitySets(sets);
  }

  @Override
  public List<CsdlSchema> getSchemas() {
    List<CsdlEntityType> types = new ArrayList<>();
    types.add(getEntityType(BASE));
    tables.values().forEach(table -> types.add(getEntityType(new FullQualifiedName(NAMESPACE, table.name()))));
    return List.of(new CsdlSchema().setNamespace(NAMESPACE).setEntityTypes(types)
        .setEntityContainer(getEntityContainer()));
  }
}
